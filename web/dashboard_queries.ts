/** The dashboard's SQL: read-only queries over `trades` and `trade_aggregates`. */
import type { Sql } from "../runtime/database.ts";
import type { SeriesPoint, SymbolSummary, TradeView } from "../domain/dashboard_views.ts";

/** The columns of a {@link TradeView}, as a fragment shared by the trade queries. */
function tradeColumns(sql: Sql) {
  return sql`
    symbol, trade_id::text as "tradeId", price::text, quantity::text,
    trade_value::text as "tradeValue", to_json(trade_time)#>>'{}' as "tradeTime",
    is_buyer_maker as "isBuyerMaker", moving_average::text as "movingAverage",
    is_whale_trade as "isWhale"
  `;
}

/** Every symbol with stored trades (or only `symbols`), with its newest trade and totals. */
export async function symbolSummaries(sql: Sql, symbols?: string[]): Promise<SymbolSummary[]> {
  return await sql<SymbolSummary[]>`
    select a.symbol, t.price::text as "lastPrice", a.last_trade_id::text as "lastTradeId",
      to_json(t.trade_time)#>>'{}' as "lastTradeTime", a.moving_average::text as "movingAverage",
      a.trade_count::text as "tradeCount", a.total_volume::text as "totalVolume",
      (select count(*) from trades w where w.is_whale_trade and w.symbol = a.symbol)::text
        as "whaleCount"
    from trade_aggregates a
    join trades t on t.symbol = a.symbol and t.trade_id = a.last_trade_id
    ${symbols === undefined ? sql`` : sql`where a.symbol = any(${commaList(sql, symbols)})`}
    order by a.symbol
  `;
}

/** Options of {@link recentTrades}. */
export interface RecentTradesQuery {
  /** Only this symbol, or every one when undefined. */
  symbol?: string;
  /** Most rows returned. */
  limit: number;
  /** Only trades after this time. */
  since?: Date;
  /** Only whale trades. */
  whalesOnly?: boolean;
}

/** The newest trades, newest first. */
export async function recentTrades(sql: Sql, query: RecentTradesQuery): Promise<TradeView[]> {
  const { symbol, limit, since, whalesOnly = false } = query;
  return await sql<TradeView[]>`
    select ${tradeColumns(sql)}
    from trades
    where true
      ${symbol === undefined ? sql`` : sql`and symbol = ${symbol}`}
      ${since === undefined ? sql`` : sql`and trade_time > ${since}`}
      ${whalesOnly ? sql`and is_whale_trade` : sql``}
    order by trade_time desc, trade_id desc
    limit ${limit}
  `;
}

/** The trades with these `[symbol, trade id]` keys, in trade-time order. */
export async function recentTradesByIds(
  sql: Sql,
  keys: [string, number][],
): Promise<TradeView[]> {
  return await sql<TradeView[]>`
    select ${tradeColumns(sql)}
    from trades
    join unnest(${commaList(sql, keys.map((k) => k[0]))}, ${
    commaList(sql, keys.map((k) => String(k[1])))
  }::bigint[]) as k(symbol, trade_id) using (symbol, trade_id)
    order by trade_time, trade_id
  `;
}

/**
 * A text[] built in SQL from one comma-joined parameter. postgres.js serialises array parameters
 * only once it has fetched the array types, which a pool's very first query may precede; symbols
 * and ids never contain commas.
 */
function commaList(sql: Sql, values: string[]) {
  return sql`string_to_array(${values.join(",")}, ',')`;
}

/**
 * `symbol`'s trades of the last `seconds`, in buckets of `bucketSeconds` aligned to the epoch,
 * oldest first: a day of a busy symbol stays a few hundred points, never raw trades.
 */
export async function tradeSeries(
  sql: Sql,
  symbol: string,
  seconds: number,
  bucketSeconds: number,
): Promise<SeriesPoint[]> {
  return await sql<SeriesPoint[]>`
    select to_json(bucket)#>>'{}' as time, close::text, moving_average::text as "movingAverage",
      buy_volume::text as "buyVolume", sell_volume::text as "sellVolume", trades
    from (
      select date_bin(${bucketSeconds} * interval '1 second', trade_time, timestamptz 'epoch')
          as bucket,
        (array_agg(price order by trade_id desc))[1] as close,
        (array_agg(moving_average order by trade_id desc))[1] as moving_average,
        coalesce(sum(quantity) filter (where not is_buyer_maker), 0)::numeric(30, 8) as buy_volume,
        coalesce(sum(quantity) filter (where is_buyer_maker), 0)::numeric(30, 8) as sell_volume,
        count(*)::int as trades
      from trades
      where symbol = ${symbol} and trade_time > now() - ${seconds} * interval '1 second'
      group by bucket
    ) buckets
    order by bucket
  `;
}
