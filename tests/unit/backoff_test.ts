import assert from "node:assert/strict";
import { backoffDelay } from "../../domain/backoff.ts";

Deno.test("backoff doubles up to its ceiling and jitters within its upper half", () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };
  assert.equal(backoffDelay(0, options, () => 0), 500);
  assert.equal(backoffDelay(0, options, () => 0.999999), 1_000);
  assert.equal(backoffDelay(3, options, () => 0), 4_000);
  assert.equal(backoffDelay(50, options, () => 0.999999), 60_000);
});
