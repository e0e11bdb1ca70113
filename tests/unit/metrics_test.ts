import assert from "node:assert/strict";
import {
  counterFrom,
  createRegistry,
  gaugeFrom,
  secondsHistogram,
  serveMetrics,
} from "../../runtime/metrics.ts";
import { ConfigError } from "../../runtime/env_reader.ts";
import { freePort } from "../../stack/free_port.ts";
import { quietLog } from "../helpers/dashboard_app.ts";

Deno.test("metrics read the component's figures at each scrape, labels escaped", async () => {
  const registry = createRegistry();
  let sent = 3;
  counterFrom(registry, { name: "sent_total", help: "Sent.", read: () => sent });
  gaugeFrom(registry, {
    name: "lag",
    help: "Lag.",
    label: "partition",
    read: () => new Map([["0", 5], ['a"b\nc', 1]]),
  });
  secondsHistogram(registry, "took_seconds", "Took.", [0.1, 1]).observe(0.5);
  const first = await registry.metrics();
  assert.match(first, /^# TYPE sent_total counter\nsent_total 3$/m);
  assert.match(first, /^lag\{partition="0"\} 5$/m);
  assert.match(first, /^lag\{partition="a\\"b\\nc"\} 1$/m);
  assert.match(first, /^took_seconds_bucket\{le="0.1"\} 0\ntook_seconds_bucket\{le="1"\} 1$/m);
  sent = 7;
  assert.match(await registry.metrics(), /^sent_total 7$/m, "read again, not added up");
});

Deno.test("METRICS_PORT serves /metrics, is off when unset, and a taken port names it", async () => {
  const registry = createRegistry();
  counterFrom(registry, { name: "up_total", help: "Up.", read: () => 1 });
  const port = freePort();
  const metrics = serveMetrics(registry, port, quietLog);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(await response.text(), /^up_total 1$/m);
    const other = await fetch(`http://127.0.0.1:${port}/other`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
    assert.throws(
      () => serveMetrics(registry, port, quietLog),
      (error) => error instanceof ConfigError && error.variable === "METRICS_PORT",
    );
  } finally {
    await metrics.stop();
  }
  await serveMetrics(registry, undefined, quietLog).stop();
});
