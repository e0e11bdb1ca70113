/**
 * The independent check: what the database must hold for the trades the simulator sent,
 * computed by PostgreSQL window functions over a plain table of them, not by pipeline code.
 */
import type { Sql } from "../../runtime/database.ts";
import type { SentTrade } from "../../stack/simulator.ts";

/** The business columns of `trades`, as text, in (symbol, trade_id) order. */
export async function storedTrades(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`
    select concat_ws(' ', symbol, trade_id, price, quantity,
      (extract(epoch from trade_time) * 1000)::bigint, trade_value, is_buyer_maker,
      moving_average, is_whale_trade) as row
    from trades order by symbol, trade_id
  `;
  return rows.map((r) => r.row);
}

/** `storedTrades` as it must be for `sent`, given the window size and whale threshold. */
export async function expectedTrades(
  sql: Sql,
  sent: SentTrade[],
  window: number,
  threshold: string,
): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`
    with sent as (
      select * from unnest(
        ${sql.array(sent.map((t) => t.symbol))}::text[],
        ${sql.array(sent.map((t) => String(t.tradeId)))}::bigint[],
        ${sql.array(sent.map((t) => t.price))}::numeric[],
        ${sql.array(sent.map((t) => t.qty))}::numeric[],
        ${sql.array(sent.map((t) => String(t.tradeTime)))}::bigint[],
        ${sql.array(sent.map((t) => String(t.isBuyerMaker)))}::boolean[]
      ) as s(symbol, trade_id, price, quantity, trade_ms, is_buyer_maker)
    )
    select concat_ws(' ', symbol, trade_id, price::numeric(20, 8), quantity::numeric(20, 8),
      trade_ms, round(price * quantity, 2), is_buyer_maker,
      round((sum(price) over w)::numeric(60, 24) / count(*) over w, 8),
      price * quantity >= ${threshold}::numeric) as row
    from sent
    window w as (
      partition by symbol order by trade_id rows between ${window - 1} preceding and current row
    )
    order by symbol, trade_id
  `;
  return rows.map((r) => r.row);
}

/** `trade_aggregates` as text rows: symbol, count, volume, moving average. */
export async function storedAggregates(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`
    select concat_ws(' ', symbol, trade_count, total_volume, moving_average) as row
    from trade_aggregates order by symbol
  `;
  return rows.map((r) => r.row);
}

/** What `trade_aggregates` must hold once every sent trade is stored. */
export async function expectedAggregates(sql: Sql): Promise<string[]> {
  const rows = await sql<{ row: string }[]>`
    select concat_ws(' ', symbol, count(*), sum(quantity),
      (array_agg(moving_average order by trade_id desc))[1]) as row
    from trades group by symbol order by symbol
  `;
  return rows.map((r) => r.row);
}

/** `count(*)` of `trades`. */
export async function countTrades(sql: Sql): Promise<number> {
  const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from trades`;
  return count;
}
