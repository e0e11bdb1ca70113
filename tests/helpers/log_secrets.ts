/** The check of every failure test of credentials: no secret the test used appears in a log. */
import assert from "node:assert/strict";
import type { ComponentProcess } from "./component_process.ts";

/**
 * Asserts that none of `secrets` appears in a line `components` logged, nor in `texts` (the
 * output of commands the test ran); and that there were lines to read.
 */
export function assertNoSecrets(
  secrets: string[],
  components: ComponentProcess[],
  texts: string[] = [],
): void {
  const lines = [
    ...components.flatMap((component) => component.logs().map((line) => JSON.stringify(line))),
    ...texts.flatMap((text) => text.split("\n")),
  ];
  assert.ok(lines.length > 0, "no log lines to read");
  for (const line of lines) {
    const secret = secrets.find((s) => line.includes(s));
    assert.equal(secret, undefined, `a log line holds a secret: ${line}`);
  }
}
