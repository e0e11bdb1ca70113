/** A filled history brought up to now, so every chart window has trades, as on a live system. */
import { planBatch } from "../domain/batch_plan.ts";
import { storeTrades } from "../pipeline/trade_store.ts";
import { loadWindows } from "../pipeline/stored_averages.ts";
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import type { TradeEvent } from "../domain/trade_event.ts";
import {
  BATCH_SIZE,
  BENCH_SYMBOLS,
  inBatches,
  WHALE_THRESHOLD,
  WINDOW_SIZE,
} from "./bench_trades.ts";

/**
 * Brings each symbol's history from its newest trade up to now, at the rate it was filled at and
 * through `storeTrades`, so the short chart windows hold trades as on a live system. Returns the
 * trades stored.
 */
export async function catchUp(sql: Sql): Promise<number> {
  const histories = await sql<
    { symbol: string; lastId: string; lastMs: number; price: string; perMs: number }[]
  >`
    select symbol, last_trade_id::text as "lastId", last_price::text as price,
      (extract(epoch from last_trade_time) * 1000)::float8 as "lastMs",
      (trade_count / greatest(extract(epoch from last_trade_time - (
        select min(trade_time) from trades t where t.symbol = a.symbol
      )) * 1000, 1))::float8 as "perMs"
    from trade_aggregates a
    where symbol = any(${arrayLiteral(BENCH_SYMBOLS)}::varchar[])
  `;
  const now = Date.now();
  const events: TradeEvent[] = [];
  for (const { symbol, lastId, lastMs, price, perMs } of histories) {
    const count = Math.floor((now - lastMs) * perMs);
    for (let i = 1; i <= count; i++) {
      const time = Math.round(lastMs + (i * (now - lastMs)) / count);
      events.push({
        v: 1,
        symbol,
        tradeId: Number(lastId) + i,
        price,
        quantity: "0.01",
        tradeTime: time,
        eventTime: time,
        isBuyerMaker: i % 2 === 0,
        receivedAt: time,
      });
    }
  }
  const windows = await loadWindows(sql, WINDOW_SIZE);
  for (const batch of inBatches(events, BATCH_SIZE)) {
    const plan = planBatch(batch, windows, WINDOW_SIZE, WHALE_THRESHOLD);
    await storeTrades(sql, plan.rows, WINDOW_SIZE, plan.windowEnds);
  }
  return events.length;
}
