/**
 * The dashboard's SQL, read-only: `trades`, `trade_aggregates` and `candles` for the figures
 * and charts; `pipeline_status`, `alerts` and `trade_gaps` for the health panel; and
 * `trade_partitions`, the database's size and `pg_stat_activity` for the storage line and
 * `/metrics`. Price rules and alerts are read in `price_rule_queries.ts`.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import type {
  AlertView,
  Candle,
  ComponentView,
  GapView,
  HealthView,
  StorageSummary,
  SymbolSummary,
  TradeView,
} from "../domain/dashboard_views.ts";
import { sourceInterval } from "../domain/candles.ts";

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
    select symbol, last_price::text as "lastPrice", last_trade_id::text as "lastTradeId",
      to_json(last_trade_time)#>>'{}' as "lastTradeTime", moving_average::text as "movingAverage",
      trade_count::text as "tradeCount", total_volume::text as "totalVolume",
      whale_count::text as "whaleCount"
    from trade_aggregates
    ${symbols === undefined ? sql`` : sql`where symbol = any(${arrayLiteral(symbols)}::varchar[])`}
    order by symbol
  `;
}

/** Options of {@link recentTrades}. */
export interface RecentTradesQuery {
  /** Only this symbol, or every one when undefined. */
  symbol?: string;
  /** Most rows returned. */
  limit: number;
  /** Only trades after this time... */
  since?: Date;
  /** ...and before this one. */
  until?: Date;
  /** Only whale trades. */
  whalesOnly?: boolean;
}

/** The newest trades, newest first. */
export async function recentTrades(sql: Sql, query: RecentTradesQuery): Promise<TradeView[]> {
  const { symbol, limit, since, until, whalesOnly = false } = query;
  return await sql<TradeView[]>`
    select ${tradeColumns(sql)}
    from trades
    where true
      ${symbol === undefined ? sql`` : sql`and symbol = ${symbol}`}
      ${since === undefined ? sql`` : sql`and trade_time > ${since}`}
      ${until === undefined ? sql`` : sql`and trade_time < ${until}`}
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
    join unnest(
      ${arrayLiteral(keys.map((k) => k[0]))}::varchar[],
      ${arrayLiteral(keys.map((k) => k[1]))}::bigint[]
    ) as k(symbol, trade_id) using (symbol, trade_id)
    order by trade_time, trade_id
  `;
}

/** Options of {@link candleSeries}. */
export interface CandleQuery {
  symbol: string;
  /** Buckets starting at or after this time... */
  from: Date;
  /** ...and before this one. */
  to: Date;
  /** Seconds per candle: a multiple of a stored interval (see `sourceInterval`). */
  bucketSeconds: number;
}

/**
 * `symbol`'s candles from `from` to `to`, oldest first, each cut from the stored candles of the
 * coarsest interval that divides `bucketSeconds`, never from raw trades. `vwap` is rounded to
 * 8 decimals.
 */
export async function candleSeries(sql: Sql, query: CandleQuery): Promise<Candle[]> {
  const { symbol, from, to, bucketSeconds } = query;
  return await sql<Candle[]>`
    select to_json(time)#>>'{}' as time, open::text, high::text, low::text, close::text,
      (buy_volume + sell_volume)::text as volume, buy_volume::text as "buyVolume",
      sell_volume::text as "sellVolume", quote_volume::text as "quoteVolume",
      trades::int as trades,
      round(quote_volume / nullif(buy_volume + sell_volume, 0), 8)::text as vwap,
      moving_average::text as "movingAverage"
    from (
      select date_bin(${bucketSeconds} * interval '1 second', bucket, timestamptz 'epoch')
          as time,
        (array_agg(open order by open_trade_id))[1] as open, max(high) as high,
        min(low) as low, (array_agg(close order by close_trade_id desc))[1] as close,
        (array_agg(moving_average order by close_trade_id desc))[1] as moving_average,
        sum(buy_volume) as buy_volume, sum(sell_volume) as sell_volume,
        sum(quote_volume) as quote_volume, sum(trades) as trades
      from candles
      where symbol = ${symbol} and interval_seconds = ${sourceInterval(bucketSeconds)}
        and bucket >= ${from} and bucket < ${to}
      group by 1
    ) buckets
    order by time
  `;
}

/** Options of {@link candlesBackFrom}. */
export interface CandlesBackQuery {
  symbol: string;
  /** A stored interval. */
  bucketSeconds: number;
  before: Date;
  count: number;
}

/**
 * Where to start reading `symbol`'s candles for `count` of them to come before `before`: the
 * count-th stored candle back from it, the oldest when fewer are stored, or `before` itself
 * when none are (or none is asked for).
 */
export async function candlesBackFrom(sql: Sql, query: CandlesBackQuery): Promise<Date> {
  const { symbol, bucketSeconds, before, count } = query;
  if (count < 1) return before;
  const [{ start }] = await sql<{ start: Date | null }[]>`
    select coalesce(
      (select bucket from candles
        where symbol = ${symbol} and interval_seconds = ${bucketSeconds} and bucket < ${before}
        order by bucket desc offset ${count - 1} limit 1),
      (select min(bucket) from candles
        where symbol = ${symbol} and interval_seconds = ${bucketSeconds} and bucket < ${before})
    ) as start
  `;
  return start ?? before;
}

/** Sizes on disk, the partitions of `trades` and its oldest trade kept. */
export async function storageSummary(sql: Sql): Promise<StorageSummary> {
  const [row] = await sql<StorageSummary[]>`
    select pg_database_size(current_database())::float8 as "databaseBytes",
      (select coalesce(sum(bytes), 0) from trade_partitions)::float8 as "tradesBytes",
      pg_total_relation_size('candles')::float8 as "candlesBytes",
      (select count(*) from trade_partitions)::int as "tradePartitions",
      to_json((select min(trade_time) from trades))#>>'{}' as "oldestTradeTime"
  `;
  return row;
}

/** Connections open to this database, this one included. */
export async function databaseConnections(sql: Sql): Promise<number> {
  const [{ count }] = await sql<{ count: number }[]>`
    select count(*)::int as count from pg_stat_activity where datname = current_database()
  `;
  return count;
}

/** The health panel's figures: alerts firing or lately resolved, reports, gaps. */
export async function pipelineHealth(sql: Sql): Promise<HealthView> {
  const [alerts, components, gaps, lost] = await Promise.all([
    sql<AlertView[]>`
      select rule, subject, firing, value, threshold, to_json(fired_at)#>>'{}' as "firedAt",
        to_json(resolved_at)#>>'{}' as "resolvedAt"
      from alerts
      where firing or resolved_at > now() - interval '1 hour'
      order by firing desc, coalesce(resolved_at, fired_at) desc
    `,
    sql<ComponentView[]>`
      select component, instance, to_json(reported_at)#>>'{}' as "reportedAt", state
      from pipeline_status
      where reported_at > now() - interval '1 hour'
      order by component, reported_at desc
    `,
    sql<GapView[]>`
      select symbol, first_missing_id::text as "firstMissingId",
        last_missing_id::text as "lastMissingId", to_json(found_at)#>>'{}' as "foundAt", reason
      from trade_gaps order by found_at desc limit 20
    `,
    lostTrades(sql),
  ]);
  return { alerts, components, gaps, lostTrades: lost };
}

/** Every alert rule's state per subject, and the trades lost in gaps, for `/metrics`. */
export async function alertStates(
  sql: Sql,
): Promise<{ alerts: Pick<AlertView, "rule" | "subject" | "firing">[]; lostTrades: number }> {
  const [alerts, lost] = await Promise.all([
    sql<Pick<AlertView, "rule" | "subject" | "firing">[]>`
      select rule, subject, firing from alerts order by rule, subject
    `,
    lostTrades(sql),
  ]);
  return { alerts, lostTrades: Number(lost) };
}

/** Trades lost over every gap recorded, as a decimal string. */
async function lostTrades(sql: Sql): Promise<string> {
  const [{ lost }] = await sql<{ lost: string }[]>`
    select coalesce(sum(last_missing_id - first_missing_id + 1), 0)::text as lost
    from trade_gaps
  `;
  return lost;
}
