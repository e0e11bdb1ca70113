import assert from "node:assert/strict";
import { backoffDelay } from "../pipeline/backoff.ts";
import { GapTracker } from "../pipeline/gap_tracker.ts";

Deno.test("backoff doubles up to its ceiling and jitters within its upper half", () => {
  const options = { baseMs: 1_000, maxMs: 60_000 };
  assert.equal(backoffDelay(0, options, () => 0), 500);
  assert.equal(backoffDelay(0, options, () => 0.999999), 1_000);
  assert.equal(backoffDelay(3, options, () => 0), 4_000);
  assert.equal(backoffDelay(50, options, () => 0.999999), 60_000);
});

Deno.test("a jump in trade ids is counted as missing trades, duplicates are not", () => {
  const gaps = new GapTracker();
  assert.equal(gaps.observe("BTCUSDT", 10), 0);
  assert.equal(gaps.observe("BTCUSDT", 11), 0);
  assert.equal(gaps.observe("BTCUSDT", 15), 3);
  assert.equal(gaps.observe("BTCUSDT", 15), 0);
  assert.equal(gaps.observe("BTCUSDT", 12), 0);
  assert.equal(gaps.observe("ETHUSDT", 1), 0);
  assert.equal(gaps.missing, 3);
});
