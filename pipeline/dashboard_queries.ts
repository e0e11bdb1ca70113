/** The dashboard's SQL: read-only queries over `trades` and `trade_aggregates`. */
import type { Sql } from "./database.ts";

/** One symbol's current state, as the page's first paint shows it. */
export interface SymbolSummary {
  symbol: string;
  lastPrice: string;
  lastTradeId: string;
  /** ISO time of the newest trade. */
  lastTradeTime: string;
  movingAverage: string;
  tradeCount: string;
  totalVolume: string;
  whaleCount: string;
}

/** One stored trade as the JSON API returns it; amounts stay decimal strings. */
export interface TradeView {
  symbol: string;
  tradeId: string;
  price: string;
  quantity: string;
  tradeValue: string;
  tradeTime: string;
  isBuyerMaker: boolean;
  movingAverage: string;
  isWhale: boolean;
}

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
