/**
 * `/api/tickers` on stored trades: each configured symbol that traded in the last 24 hours, in
 * the configured order, with the window's first and last price, high and low, the change between
 * them, and the last close of each half hour; a symbol whose trades are all older is left out.
 */
import assert from "node:assert/strict";
import type { TradeEvent } from "../../domain/trade_event.ts";
import type { MarketTicker } from "../../domain/dashboard_views.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";
import { dashboardApp } from "../helpers/dashboard_app.ts";

const MINUTE = 60_000;
const HALF_HOUR = 30 * MINUTE;

Deno.test("the tickers API answers each symbol's last 24 hours from its candles", async () => {
  const db = await createTestDatabase();
  try {
    const now = Date.now();
    // BTCUSDT every 7 minutes over 26 hours, the price a walk of whole cents with a known high
    // and low; ETHUSDT only 30 hours ago.
    const btc: TradeEvent[] = [];
    for (let at = now - 26 * 60 * MINUTE, id = 1; at < now - MINUTE; at += 7 * MINUTE, id++) {
      const price = (60_000 + ((id * 37) % 101) * 10 + (id === 200 ? 900 : 0)).toFixed(2);
      btc.push({ ...tradeEvent(id, price, "0.5"), tradeTime: at });
    }
    const eth = [{ ...tradeEvent(1, "3000.5", "1", "ETHUSDT"), tradeTime: now - 30 * 60 * MINUTE }];
    const handler = testBatchHandler(db.sql, 5);
    await handler.accept(kafkaMessages([...eth, ...btc]), BATCH_CONTEXT)();

    const app = dashboardApp({ sql: db.sql, symbols: ["SOLUSDT", "ETHUSDT", "BTCUSDT"] });
    const response = await app.fetch(new Request("http://dashboard/api/tickers"));
    assert.equal(response.status, 200);
    const { tickers }: { tickers: MarketTicker[] } = await response.json();
    assert.deepEqual(tickers.map((t) => t.symbol), ["BTCUSDT"], "only what traded in 24 hours");
    const [ticker] = tickers;

    const since = Date.parse(ticker.since);
    assert.ok(Math.abs(since - (now - 24 * 60 * MINUTE)) < 60_000, ticker.since);
    // The window holds the 1-minute candles that start at or after `since`.
    const inside = btc.filter((t) => Math.floor(t.tradeTime / MINUTE) * MINUTE >= since);
    const prices = inside.map((t) => Number(t.price));
    assert.ok(inside.length > 150 && inside.length < btc.length, `${inside.length} trades`);
    assert.equal(Number(ticker.open), Number(inside[0].price));
    assert.equal(Number(ticker.lastPrice), Number(inside.at(-1)!.price));
    assert.equal(Number(ticker.high), Math.max(...prices));
    assert.equal(Number(ticker.low), Math.min(...prices));
    const change = (Number(ticker.lastPrice) - Number(ticker.open)) / Number(ticker.open) * 100;
    assert.equal(ticker.changePercent, `${change >= 0 ? "+" : "-"}${Math.abs(change).toFixed(2)}`);

    const closes = new Map<number, number>();
    for (const trade of inside) {
      closes.set(Math.floor(trade.tradeTime / HALF_HOUR), Number(trade.price));
    }
    assert.deepEqual(ticker.sparkline, [...closes.values()], "the last close of each half hour");
  } finally {
    await db.drop();
  }
});
