import assert from "node:assert/strict";
import { stepSustained } from "../../bench/rate_search.ts";

Deno.test("a step is sustained while the stored rate keeps up and the lag stands still", () => {
  const step = {
    generatedPerSecond: 10_000,
    storedPerSecond: 9_800,
    lagAtMid: 1_500,
    lagAtEnd: 900,
    lost: 0,
  };
  assert.equal(stepSustained(step), true);
  // A standing backlog of two seconds is latency, not falling behind.
  assert.equal(stepSustained({ ...step, lagAtMid: 20_000, lagAtEnd: 21_000 }), true);
});

Deno.test("a step falls behind when storing is slower or the lag grows", () => {
  const step = {
    generatedPerSecond: 20_000,
    storedPerSecond: 19_500,
    lagAtMid: 1_000,
    lagAtEnd: 1_000,
    lost: 0,
  };
  assert.equal(stepSustained({ ...step, storedPerSecond: 16_000 }), false);
  assert.equal(stepSustained({ ...step, lagAtEnd: 1_000 + 5_000 }), false);
  assert.equal(stepSustained({ ...step, lagAtEnd: 1_000 + 4_999 }), true);
  // Trades the producer dropped on a full buffer never arrive: however fast the rest was stored.
  assert.equal(stepSustained({ ...step, lost: 1 }), false);
});
