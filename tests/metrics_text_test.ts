import assert from "node:assert/strict";
import { metricsText } from "../web/metrics_text.ts";

Deno.test("label values escape backslash, quote and line feed, each sample on one line", () => {
  const text = metricsText([{
    name: "crypto_example",
    help: "An example.",
    type: "gauge",
    labels: { symbol: 'a\\b"c\nd' },
    value: 1,
  }]);
  assert.equal(
    text,
    '# HELP crypto_example An example.\n# TYPE crypto_example gauge\ncrypto_example{symbol="a\\\\b\\"c\\nd"} 1\n',
  );
  assert.equal(text.split("\n").length, 4, "three lines and the final line feed");
});
