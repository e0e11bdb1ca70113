import assert from "node:assert/strict";
import { GapTracker } from "../../domain/gap_tracker.ts";

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

Deno.test("a seeded symbol shows the gap a restart left; lower ids after a seed restart it", () => {
  const gaps = new GapTracker();
  gaps.seed("BTCUSDT", 100);
  assert.equal(gaps.observe("BTCUSDT", 151), 50, "ids 101 to 150 were missed while down");
  gaps.seed("ETHUSDT", 5_000);
  assert.equal(gaps.observe("ETHUSDT", 7), 0, "another feed's ids: a new start, not a gap");
  assert.equal(gaps.observe("ETHUSDT", 9), 1);
  assert.equal(gaps.observe("ETHUSDT", 4), 0, "after the first trade, lower ids are late ones");
  assert.equal(gaps.missing, 51);
  assert.equal(gaps.found, 2);
});
