/**
 * The moving averages as stored: restoring each symbol's window from its newest trades, and
 * recomputing the averages in SQL after a late trade, so the result equals an in-order run.
 */
import type postgres from "postgres";
import type { Sql } from "../runtime/database.ts";
import { MovingWindow } from "../domain/moving_window.ts";

/** Restores each symbol's window from its last `size` stored trades, in trade-id order. */
export async function loadWindows(sql: Sql, size: number): Promise<Map<string, MovingWindow>> {
  const rows = await sql<{ symbol: string; trade_id: string; price: string }[]>`
    select a.symbol, t.trade_id, t.price
    from trade_aggregates a
    cross join lateral (
      select trade_id, price from trades
      where symbol = a.symbol
      order by trade_id desc
      limit ${size}
    ) t
    order by a.symbol, t.trade_id
  `;
  const windows = new Map<string, MovingWindow>();
  for (const row of rows) {
    let window = windows.get(row.symbol);
    if (!window) windows.set(row.symbol, window = new MovingWindow(size));
    window.push(Number(row.trade_id), row.price);
  }
  return windows;
}

/**
 * Recomputes `moving_average` of `symbol` for trades from `fromTradeId` on, each over its
 * `windowSize` predecessors in trade-id order, and the candles' and the aggregate's with them.
 */
export async function recomputeAverages(
  tx: postgres.TransactionSql,
  symbol: string,
  fromTradeId: number,
  windowSize: number,
): Promise<void> {
  await tx`
    with span as (
      -- The window-1 trades before the first changed one, or all of them when fewer exist.
      select trade_id, price from trades
      where symbol = ${symbol} and trade_id >= coalesce((
        select trade_id from trades
        where symbol = ${symbol} and trade_id < ${fromTradeId}
        order by trade_id desc
        offset ${Math.max(windowSize - 2, 0)} limit 1
      ), 0)
    ),
    averaged as (
      -- Widened first: numeric division keeps few decimals for large sums, and rounding that
      -- result again to 8 could differ from the exact mean the consumer computes.
      select trade_id, round(
        (sum(price) over w)::numeric(60, 24) / count(*) over w, 8
      ) as moving_average
      from span
      window w as (order by trade_id rows between ${windowSize - 1} preceding and current row)
    )
    update trades t set moving_average = a.moving_average
    from averaged a
    where t.symbol = ${symbol} and t.trade_id = a.trade_id and a.trade_id >= ${fromTradeId}
      and t.moving_average <> a.moving_average
  `;
  await tx`
    update candles c set moving_average = t.moving_average
    from trades t
    where c.symbol = ${symbol} and c.close_trade_id >= ${fromTradeId}
      and t.symbol = ${symbol} and t.trade_id = c.close_trade_id
      and t.trade_time >= c.bucket and c.moving_average <> t.moving_average
  `;
  await tx`
    update trade_aggregates set moving_average = (
      select moving_average from trades where symbol = ${symbol} order by trade_id desc limit 1
    )
    where symbol = ${symbol}
  `;
}
