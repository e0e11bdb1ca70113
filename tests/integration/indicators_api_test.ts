/**
 * `/api/indicators` on stored history: over a range that starts long after the first candle,
 * each value equals the indicator computed over every stored candle (the route reads its own
 * warm-up); over a range that starts at the first candle there is no value until there is
 * enough history; a bad set is a 400 naming the bad part.
 */
import assert from "node:assert/strict";
import type { TradeEvent } from "../../domain/trade_event.ts";
import type { Candle } from "../../domain/dashboard_views.ts";
import {
  computeIndicator,
  type IndicatorsView,
  parseIndicatorSet,
} from "../../domain/indicators.ts";
import { mulberry32 } from "../../stack/seeded_random.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";
import { assertBadRequests, dashboardApp } from "../helpers/dashboard_app.ts";

const MINUTE = 60_000;
const SET = "sma:50,ema:20,bb:20:2,rsi:14,macd";

/** A BTCUSDT trade about every 40 s for `minutes`, up to `endMs`: a random walk near 60,000. */
function history(minutes: number, endMs: number): TradeEvent[] {
  const random = mulberry32(11);
  let price = 60_000;
  const events: TradeEvent[] = [];
  for (let at = endMs - minutes * MINUTE, id = 1; at < endMs; at += 40_000, id++) {
    price += (random() - 0.5) * 30;
    events.push({ ...tradeEvent(id, price.toFixed(2), "0.01"), tradeTime: at });
  }
  return events;
}

Deno.test("the indicators API equals the indicators over all history, and names a bad set", async () => {
  const db = await createTestDatabase();
  try {
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const events = history(1_500, now);
    const handler = testBatchHandler(db.sql, 5);
    for (let i = 0; i < events.length; i += 500) {
      await handler.accept(kafkaMessages(events.slice(i, i + 500)), BATCH_CONTEXT)();
    }
    const app = dashboardApp({ sql: db.sql, symbols: ["BTCUSDT"] });
    const get = (path: string) =>
      Promise.resolve(app.fetch(new Request(`http://dashboard${path}`)));

    const all: Candle[] = (await (await get(
      `/api/candles?symbol=BTCUSDT&interval=1m&from=${now - 1_600 * MINUTE}&to=${now + MINUTE}`,
    )).json()).candles;
    assert.ok(all.length > 1_000, `${all.length} minute candles stored`);
    const closes = all.map((candle) => Number(candle.close));

    const from = now - 200 * MINUTE;
    const response = await get(
      `/api/indicators?symbol=BTCUSDT&interval=1m&from=${from}&set=${SET}`,
    );
    assert.equal(response.status, 200);
    const view: IndicatorsView = await response.json();
    const firstShown = all.findIndex((candle) => Date.parse(candle.time) >= from);
    assert.deepEqual(view.times, all.slice(firstShown).map((candle) => candle.time));
    assert.deepEqual(view.indicators.map((i) => [i.key, i.pane]), [
      ["sma:50", "price"],
      ["ema:20", "price"],
      ["bb:20:2", "price"],
      ["rsi:14", "rsi"],
      ["macd:12:26:9", "macd"],
    ]);
    for (const [index, spec] of parseIndicatorSet(SET).entries()) {
      const whole = computeIndicator(spec, closes);
      for (const [line, values] of Object.entries(view.indicators[index].lines)) {
        assert.equal(values.length, view.times.length, `${spec.key} ${line}`);
        values.forEach((value, i) => {
          const expected = whole[line][firstShown + i]!;
          assert.ok(
            value !== null && Math.abs(value - expected) <= 1e-8 * Math.max(1, Math.abs(expected)),
            `${spec.key} ${line} at ${view.times[i]}: ${value}, over all history ${expected}`,
          );
        });
      }
    }

    // From the first candle on: a value once the history holds enough candles, not before.
    const early: IndicatorsView = await (await get(
      `/api/indicators?symbol=BTCUSDT&interval=1m&from=${
        Date.parse(all[0].time)
      }&to=${now}&set=sma:50`,
    )).json();
    const sma = early.indicators[0].lines.sma;
    assert.equal(early.times[0], all[0].time);
    assert.ok(sma.slice(0, 49).every((value) => value === null));
    assert.ok(sma.slice(49).every((value) => value !== null));

    await assertBadRequests(get, [
      ["/api/indicators?symbol=BTCUSDT", /^set: is required/],
      ["/api/indicators?symbol=BTCUSDT&set=ema:abc", /^set: "ema:abc": period "abc" is not/],
      ["/api/indicators?symbol=BTCUSDT&set=ema,foo", /^set: "foo": "foo" is not one of/],
      ["/api/indicators?set=ema", /^symbol: is required/],
      [
        `/api/indicators?symbol=BTCUSDT&interval=1s&from=${now - 86_400_000}&set=ema`,
        /^from: from\.\.to spans \d+ 1s candles, at most 5000/,
      ],
    ]);
  } finally {
    await db.drop();
  }
});
