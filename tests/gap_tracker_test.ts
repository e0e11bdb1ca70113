import assert from "node:assert/strict";
import { GapTracker } from "../domain/gap_tracker.ts";

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
