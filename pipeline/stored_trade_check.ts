/**
 * Which trades of a batch are stored already, by symbol and trade id alone. The table's key
 * also holds the trade time (its partitions are by time), so a trade id sent again with another
 * time would otherwise be stored a second time; and one sent again with another price would be
 * skipped without a word. Only trades at or behind their symbol's window can be stored already
 * (a trade past it is new), so an in-order batch costs no query.
 */
import type postgres from "postgres";
import { arrayLiteral } from "../runtime/database.ts";
import type { TradeRow } from "../domain/batch_plan.ts";
import { type ConflictingTrade, sameTrade } from "../domain/conflicting_trade.ts";

/** The rows to insert, and those stored already under their id with other values. */
export interface StoredCheck {
  fresh: TradeRow[];
  conflicts: ConflictingTrade[];
}

/**
 * Leaves out of `rows` those whose symbol and trade id are stored (`windowEnds`: the last id
 * each symbol's window had seen, for symbols with rows at or behind it), and returns as
 * conflicts those stored with another price, quantity, time or side.
 */
export async function withoutStoredTrades(
  tx: postgres.TransactionSql,
  rows: TradeRow[],
  windowEnds: ReadonlyMap<string, number>,
): Promise<StoredCheck> {
  const behind = rows.filter((row) => row.tradeId <= (windowEnds.get(row.symbol) ?? -1));
  if (behind.length === 0) return { fresh: rows, conflicts: [] };
  // First by the whole key: a copy with its own time is found in its own day's partition
  // (a batch delivered again after a restart is all such copies).
  let stored = await storedCopies(tx, behind, true);
  const found = new Set(stored.map((s) => `${s.symbol} ${s.trade_id}`));
  // Then the rest by id alone, in every partition: another time, or a late trade.
  const rest = behind.filter((row) => !found.has(`${row.symbol} ${row.tradeId}`));
  if (rest.length > 0) stored = stored.concat(await storedCopies(tx, rest, false));
  const kept = new Map(stored.map((s) => [`${s.symbol} ${s.trade_id}`, s]));
  const conflicts: ConflictingTrade[] = [];
  const fresh = rows.filter((row) => {
    const found = kept.get(`${row.symbol} ${row.tradeId}`);
    if (!found) return true;
    const stored = {
      price: found.price,
      quantity: found.quantity,
      tradeTime: Number(found.ms),
      isBuyerMaker: found.m,
    };
    const conflict = { trade: row, kept: stored };
    if (!sameTrade(conflict)) conflicts.push(conflict);
    return false;
  });
  return { fresh, conflicts };
}

/** A stored trade as the lookups read it: amounts as text, the time in epoch milliseconds. */
export type StoredTradeRow = {
  symbol: string;
  trade_id: string;
  price: string;
  quantity: string;
  ms: string;
  m: boolean;
};

/**
 * The stored copies of `rows`. With `timed`, by the whole key, read through the time index
 * between the rows' first and last times (a few seconds of one partition, where a join over
 * the whole table would scan every partition); else by symbol and id in every partition, one
 * index probe each per row.
 */
function storedCopies(
  tx: postgres.TransactionSql,
  rows: TradeRow[],
  timed: boolean,
): Promise<StoredTradeRow[]> {
  const batch = tx`unnest(
    ${arrayLiteral(rows.map((r) => r.symbol))}::varchar[],
    ${arrayLiteral(rows.map((r) => r.tradeId))}::bigint[],
    ${arrayLiteral(rows.map((r) => r.tradeTime))}::bigint[]
  ) as b(symbol, trade_id, trade_ms)`;
  const columns = tx`t.symbol, t.trade_id::text, t.price::text, t.quantity::text,
    (extract(epoch from t.trade_time) * 1000)::bigint::text as ms, t.is_buyer_maker as m`;
  if (!timed) {
    return tx<StoredTradeRow[]>`
      select ${columns} from ${batch}
      cross join lateral (
        select * from trades t where t.symbol = b.symbol and t.trade_id = b.trade_id limit 1
      ) t
    `;
  }
  let [first, last] = [Infinity, -Infinity];
  for (const { tradeTime } of rows) {
    [first, last] = [Math.min(first, tradeTime), Math.max(last, tradeTime)];
  }
  return tx<StoredTradeRow[]>`
    select ${columns} from trades t
    join ${batch} on t.symbol = b.symbol and t.trade_id = b.trade_id
      and t.trade_time = timestamptz 'epoch' + b.trade_ms * interval '1 millisecond'
    where t.trade_time between ${new Date(first)} and ${new Date(last)}
  `;
}
