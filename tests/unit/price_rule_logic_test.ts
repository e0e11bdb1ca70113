/** The pure parts of price rules: judging a candle, tiling a window, and the words shown. */
import assert from "node:assert/strict";
import {
  judgeCrossing,
  judgeMove,
  mayFire,
  type SecondCandle,
} from "../../domain/price_rule_judge.ts";
import { CANDLE_SECONDS, coveringSpans } from "../../domain/candles.ts";
import { describeAlert, describeRule, formatWindow } from "../../ui/price_rule_text.ts";
import type { PriceAlertView } from "../../domain/dashboard_views.ts";
import { mulberry32 } from "../../stack/seeded_random.ts";

function candle(open: string, high: string, low: string, close: string): SecondCandle {
  return { bucket: 0, open, high, low, close, closeTradeId: "1" };
}

Deno.test("a crossing is judged from the side before, or the open for a new rule", () => {
  // No side yet: the open (101) is above, so the dip to 99 is a crossing down.
  assert.deepEqual(judgeCrossing(undefined, candle("101", "101", "99", "99"), "100", "any"), {
    side: -1,
    fired: { direction: "down", price: "99", reference: "100" },
  });
  // Touching the level from below is reaching it.
  assert.equal(
    judgeCrossing(-1, candle("99", "100", "99", "99"), "100", "up").fired?.direction,
    "up",
  );
  // Staying on one side fires nothing, whichever way is watched.
  assert.deepEqual(judgeCrossing(1, candle("100", "105", "100", "104"), "100", "any"), { side: 1 });
  // Up and back down within the second: an up rule and a down rule each see their crossing.
  const there = candle("99", "101", "99", "99.5");
  assert.equal(judgeCrossing(-1, there, "100", "up").fired?.direction, "up");
  assert.equal(judgeCrossing(-1, there, "100", "down").fired?.direction, "down");
  assert.equal(judgeCrossing(-1, there, "100", "any").fired?.direction, "up", "the first way");
});

Deno.test("a move fires once while it lasts, the larger way when both reach the threshold", () => {
  const wide = candle("100", "103", "97", "100");
  const range = { low: "97", high: "103" };
  // Up 6.19 % from 97, down 5.83 % from 103: the larger, in proportion, is up.
  assert.deepEqual(judgeMove(true, wide, range, "5", "any"), {
    armed: false,
    fired: { direction: "up", price: "103", reference: "97", changePercent: "6.19" },
  });
  assert.equal(judgeMove(true, wide, range, "5", "down").fired?.changePercent, "5.83");
  assert.deepEqual(judgeMove(false, wide, range, "5", "any"), { armed: false }, "still moving");
  assert.deepEqual(judgeMove(false, wide, range, "7", "any"), { armed: true }, "re-armed");
  // Exactly the threshold is reaching it: 1 % of 100.
  const exact = judgeMove(
    true,
    candle("101", "101", "101", "101"),
    { low: "100", high: "101" },
    "1",
    "up",
  );
  assert.equal(exact.fired?.changePercent, "1.00");
});

Deno.test("a rule fires as often as its frequency lets it", () => {
  const every = { frequency: "every", frequencySeconds: null } as const;
  const once = { frequency: "once", frequencySeconds: null } as const;
  const quarter = { frequency: "interval", frequencySeconds: 900 } as const;
  assert.ok(mayFire(every, 1_000, 2_000), "every crossing, even the next second");
  assert.ok(mayFire(once, null, 2_000), "a once rule's first alert");
  assert.ok(mayFire(quarter, null, 2_000), "an interval rule's first alert");
  assert.ok(!mayFire(quarter, 0, 899_000), "held back within the interval");
  assert.ok(mayFire(quarter, 0, 900_000), "free again once the interval has passed");
});

Deno.test("a window is tiled by stored candles exactly, coarse inside and fine at the edges", () => {
  // 09:58:59 to 10:58:59 (epoch day 0): 5-minute candles inside, then minutes, then seconds.
  const minute = 60_000;
  const at = (hours: number, minutes: number, seconds = 0) =>
    (hours * 60 + minutes) * minute + seconds * 1_000;
  assert.deepEqual(coveringSpans(at(9, 58, 59), at(10, 58, 59)), [
    { seconds: 1, from: at(9, 58, 59), to: at(9, 59) },
    { seconds: 60, from: at(9, 59), to: at(10, 0) },
    { seconds: 300, from: at(10, 0), to: at(10, 55) },
    { seconds: 60, from: at(10, 55), to: at(10, 58) },
    { seconds: 1, from: at(10, 58), to: at(10, 58, 59) },
  ]);
  // A window of whole hours on hour boundaries is read from hour candles alone.
  assert.deepEqual(coveringSpans(3_600_000, 4 * 3_600_000), [
    { seconds: 3_600, from: 3_600_000, to: 4 * 3_600_000 },
  ]);
  const random = mulberry32(11);
  for (let i = 0; i < 500; i++) {
    const start = Math.floor(random() * 4e6) * 1_000 + 1.7e12;
    const end = start + Math.floor(random() * 90_000) * 1_000;
    const spans = coveringSpans(start, end);
    let at = start;
    for (const span of spans) {
      assert.equal(span.from, at, "no hole, no overlap");
      assert.ok(CANDLE_SECONDS.includes(span.seconds));
      assert.equal(span.from % (span.seconds * 1_000), 0, "aligned start");
      assert.equal(span.to % (span.seconds * 1_000), 0, "aligned end");
      at = span.to;
    }
    assert.equal(at, end);
    assert.ok(spans.length <= 2 * CANDLE_SECONDS.length - 1);
  }
  assert.throws(() => coveringSpans(1_500, 3_000), RangeError);
});

Deno.test("rules and alerts read as people say them, amounts exact", () => {
  const crossing = {
    symbol: "BTCUSDT",
    kind: "crosses",
    direction: "any",
    level: "70000.00000000",
    percent: null,
    windowSeconds: null,
    frequency: "every",
    frequencySeconds: null,
  } as const;
  assert.equal(describeRule(crossing, 2), "BTCUSDT crosses 70,000.00");
  assert.equal(
    describeRule({
      ...crossing,
      symbol: "ETHUSDT",
      kind: "moves",
      direction: "down",
      level: null,
      percent: "2.5000",
      windowSeconds: 300,
      frequency: "once",
    }, 2),
    "ETHUSDT falls 2.5 % within 5 min, once",
  );
  assert.equal(
    describeRule({ ...crossing, direction: "up", frequency: "interval", frequencySeconds: 900 }, 2),
    "BTCUSDT rises through 70,000.00, at most once per 15 min",
  );
  assert.deepEqual([60, 5_400, 3_600, 86_400].map(formatWindow), [
    "1 min",
    "90 min",
    "1 h",
    "24 h",
  ]);
  const alert: PriceAlertView = {
    id: "1",
    ruleId: "1",
    symbol: "BTCUSDT",
    kind: "crosses",
    direction: "up",
    level: "70000.00000000",
    percent: null,
    windowSeconds: null,
    time: "2026-12-02T10:00:05.000+00:00",
    price: "70010.50000000",
    close: "70003.10000000",
    reference: "70000.00000000",
    changePercent: null,
    closeTradeId: "9",
    firedAt: "2026-12-02T10:00:06.000+00:00",
  };
  assert.equal(
    describeAlert(alert, 2),
    "BTCUSDT rose through 70,000.00: high 70,010.50, close 70,003.10",
  );
  assert.equal(
    describeAlert({
      ...alert,
      kind: "moves",
      direction: "down",
      percent: "2.0000",
      windowSeconds: 300,
      price: "68000",
      reference: "69400.00000000",
      changePercent: "2.02",
    }, 2),
    "BTCUSDT fell 2.02 % within 5 min: from 69,400.00 to 68,000.00",
  );
});
