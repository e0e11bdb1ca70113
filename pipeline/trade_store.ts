/**
 * The consumer's SQL for storing trades with their aggregates, candles and NOTIFY, in
 * concurrent lanes of whole symbols (the consumer and the storage bench) or in one transaction
 * (`storeTrades`, which tests and the bench use to seed a database). Writes are idempotent on
 * `(symbol, trade_id)`: the key is `(symbol, trade_id, trade_time)`, and a trade at or behind
 * its window is first looked up by its id alone (`stored_trade_check.ts`).
 * The moving averages as stored are restored and recomputed in `stored_averages.ts`.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import { recomputeAverages } from "./stored_averages.ts";
import { symbolLanes, type TradeRow } from "../domain/batch_plan.ts";
import { judgePriceRules } from "./price_rule_judging.ts";
import { withoutStoredTrades } from "./stored_trade_check.ts";
import type { ConflictingTrade } from "../domain/conflicting_trade.ts";
import {
  encodeTradeUpdates,
  type SymbolChange,
  TRADE_UPDATES_CHANNEL,
} from "../domain/trade_updates.ts";

/**
 * Transactions storing one batch at once, each holding whole symbols: PostgreSQL works on them
 * in parallel (see {@link storeTradesInLanes}). The consumer's pool has a connection for each.
 */
export const STORE_LANES = 2;

/** What {@link storeTrades} did. */
export interface StoreResult {
  changes: SymbolChange[];
  /** Symbols whose averages were recomputed after a late trade. */
  late: string[];
  /** Price alerts the batch's candles fired. */
  priceAlerts: number;
  /** Why the price rules could not be judged (the trades are stored all the same). */
  priceRuleFault?: unknown;
  /** Trades stored already under their id with other values: not stored, to refuse. */
  conflicts: ConflictingTrade[];
}

interface ChangeRow {
  symbol: string;
  inserted: number;
  first_trade_id: string;
  last_trade_id: string;
  whales: string[];
  /** Users' price rules watch the symbol. */
  watched: boolean;
}

/**
 * Stores `rows` in one transaction: new trades are inserted (their day's partition created
 * first when missing), duplicates skipped, aggregates and candles count only what was
 * inserted, the users' price rules of the symbols judge the candles completed, and a NOTIFY on
 * {@link TRADE_UPDATES_CHANNEL} carries the change.
 * `windowEnds` maps symbols whose batch reached behind their window to the last id it had
 * seen: when such a trade proves new (late, not a duplicate), the symbol's moving averages from
 * it on are recomputed in SQL, so the result matches an in-order run. Returns the change per
 * symbol; `late` lists the symbols recomputed, whose windows the caller must reload.
 */
export async function storeTrades(
  sql: Sql,
  rows: TradeRow[],
  windowSize: number,
  windowEnds: ReadonlyMap<string, number>,
): Promise<StoreResult> {
  if (rows.length === 0) return { changes: [], late: [], priceAlerts: 0, conflicts: [] };
  await ensurePartitions(sql, rows);
  return await storeInTransaction(sql, rows, windowSize, windowEnds);
}

/** What storing one lane of {@link storeTradesInLanes} came to. */
export type LaneOutcome =
  & { symbols: string[] }
  & ({ stored: StoreResult } | { error: unknown });

/**
 * Stores `rows` as {@link storeTrades} does, but split into at most `lanes` groups of whole
 * symbols (see `symbolLanes`), each in its own transaction, all at once: they touch no common
 * row, and PostgreSQL works on each with its own process. Resolves when every lane has settled,
 * with each lane's symbols and result or error: some lanes may be durable while another failed.
 */
export async function storeTradesInLanes(
  sql: Sql,
  rows: TradeRow[],
  windowSize: number,
  windowEnds: ReadonlyMap<string, number>,
  lanes: number,
): Promise<LaneOutcome[]> {
  if (rows.length === 0) return [];
  await ensurePartitions(sql, rows);
  const groups = symbolLanes(rows, lanes);
  const settled = await Promise.allSettled(
    groups.map((group) => storeInTransaction(sql, group, windowSize, windowEnds)),
  );
  return settled.map((outcome, i) => ({
    symbols: [...new Set(groups[i].map((row) => row.symbol))],
    ...(outcome.status === "fulfilled" ? { stored: outcome.value } : { error: outcome.reason }),
  }));
}

/** Creates the missing day partitions of the rows' trade times. */
async function ensurePartitions(sql: Sql, rows: readonly TradeRow[]): Promise<void> {
  // Outside the storing transactions: creating a partition locks trades only for that moment.
  const days = [...new Set(rows.map((r) => new Date(r.tradeTime).toISOString().slice(0, 10)))];
  await sql`select ensure_trade_partitions(${arrayLiteral(days)}::date[])`;
}

/** The transaction of {@link storeTrades}, its partitions in place. */
async function storeInTransaction(
  sql: Sql,
  given: TradeRow[],
  windowSize: number,
  windowEnds: ReadonlyMap<string, number>,
): Promise<StoreResult> {
  return await sql.begin(async (tx) => {
    const { fresh: rows, conflicts } = await withoutStoredTrades(tx, given, windowEnds);
    const changes = await tx<ChangeRow[]>`
      with inserted as (
        insert into trades (
          symbol, trade_id, price, quantity, trade_time, trade_value,
          is_buyer_maker, moving_average, is_whale_trade
        )
        select symbol, trade_id, price, quantity,
          timestamptz 'epoch' + trade_ms * interval '1 millisecond',
          trade_value, is_buyer_maker, moving_average, is_whale_trade
        from unnest(
          ${arrayLiteral(rows.map((r) => r.symbol))}::varchar[],
          ${arrayLiteral(rows.map((r) => r.tradeId))}::bigint[],
          ${arrayLiteral(rows.map((r) => r.price))}::numeric[],
          ${arrayLiteral(rows.map((r) => r.quantity))}::numeric[],
          ${arrayLiteral(rows.map((r) => r.tradeTime))}::bigint[],
          ${arrayLiteral(rows.map((r) => r.tradeValue))}::numeric[],
          ${arrayLiteral(rows.map((r) => r.isBuyerMaker))}::boolean[],
          ${arrayLiteral(rows.map((r) => r.movingAverage))}::numeric[],
          ${arrayLiteral(rows.map((r) => r.isWhale))}::boolean[]
        ) as batch(
          symbol, trade_id, price, quantity, trade_ms, trade_value,
          is_buyer_maker, moving_average, is_whale_trade
        )
        order by symbol, trade_id
        on conflict (symbol, trade_id, trade_time) do nothing
        returning symbol, trade_id, price, quantity, trade_time, is_buyer_maker,
          moving_average, is_whale_trade
      ),
      per_symbol as (
        select symbol, count(*)::int as inserted, sum(quantity) as volume,
          min(trade_id) as first_trade_id, max(trade_id) as last_trade_id,
          coalesce(array_agg(trade_id order by trade_id) filter (where is_whale_trade), '{}') as whales
        from inserted
        group by symbol
      ),
      upserted as (
        insert into trade_aggregates as a (
          symbol, moving_average, trade_count, total_volume, last_trade_id, updated_at,
          whale_count, last_price, last_trade_time
        )
        select p.symbol, i.moving_average, p.inserted, p.volume, p.last_trade_id, now(),
          cardinality(p.whales), i.price, i.trade_time
        from per_symbol p
        join inserted i on i.symbol = p.symbol and i.trade_id = p.last_trade_id
        on conflict (symbol) do update set
          trade_count = a.trade_count + excluded.trade_count,
          total_volume = a.total_volume + excluded.total_volume,
          whale_count = a.whale_count + excluded.whale_count,
          moving_average = case when excluded.last_trade_id > a.last_trade_id
            then excluded.moving_average else a.moving_average end,
          last_price = case when excluded.last_trade_id > a.last_trade_id
            then excluded.last_price else a.last_price end,
          last_trade_time = case when excluded.last_trade_id > a.last_trade_id
            then excluded.last_trade_time else a.last_trade_time end,
          last_trade_id = greatest(a.last_trade_id, excluded.last_trade_id),
          updated_at = excluded.updated_at
        returning symbol, last_trade_time
      ),
      candles_written as (
        select add_trades_to_candles(array_agg(row(symbol, trade_id, price, quantity,
          trade_time, is_buyer_maker, moving_average)::candle_trade)) as candles
        from inserted
      )
      select symbol, inserted, first_trade_id, last_trade_id, whales,
        -- Judging is due only for a rule whose next second has ended before the newest trade's.
        exists (
          select 1 from live_price_rules r join upserted u on u.symbol = r.symbol
          where r.symbol = p.symbol
            and r.judged_until < date_bin(interval '1 second', u.last_trade_time,
              timestamptz 'epoch') - interval '1 second'
        ) as watched
      -- One row, referenced so the candles are written.
      from per_symbol p cross join candles_written
      order by symbol
    `;
    const late: string[] = [];
    for (const change of changes) {
      const windowEnd = windowEnds.get(change.symbol);
      if (windowEnd !== undefined && Number(change.first_trade_id) <= windowEnd) {
        await recomputeAverages(tx, change.symbol, Number(change.first_trade_id), windowSize);
        late.push(change.symbol);
      }
    }
    const watched = changes.filter((c) => c.watched).map((c) => c.symbol);
    const judged = watched.length > 0 ? await judgePriceRules(tx, watched) : { alertIds: [] };
    const result: SymbolChange[] = changes.map((c) => ({
      symbol: c.symbol,
      inserted: c.inserted,
      lastTradeId: Number(c.last_trade_id),
      whaleTradeIds: c.whales.map(Number),
    }));
    if (result.length > 0) {
      await tx`select pg_notify(${TRADE_UPDATES_CHANNEL}, ${encodeTradeUpdates(result)})`;
    }
    return {
      changes: result,
      late,
      priceAlerts: judged.alertIds.length,
      priceRuleFault: judged.fault,
      conflicts,
    };
  });
}
