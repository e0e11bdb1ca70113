/**
 * Storing one decoded batch until it is durable: the whole batch in lanes of whole symbols,
 * each attempt against a deadline; once the database refuses the batch as a whole (a data
 * error), trade by trade, so the trades it refuses are dead-lettered and the rest stored. What
 * an attempt stored counts only when it ended within its deadline: an attempt left behind never
 * writes to the progress the retry goes on from (what it stores late shows as duplicates).
 */
import type { DatabasePool } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { encodeTradeEvent, type TradeEvent } from "../domain/trade_event.ts";
import { type DeadLetter, deadLetter } from "../domain/dead_letter.ts";
import type { SymbolChange } from "../domain/trade_updates.ts";
import { type LaneOutcome, STORE_LANES, storeTradesInLanes } from "./trade_store.ts";
import type { Planned, WindowCache } from "./window_cache.ts";
import type { BatchSource, Decoded } from "./batch_decoding.ts";
import { type ConflictingTrade, conflictReason, sameTrade } from "../domain/conflicting_trade.ts";

/**
 * How far the storing of one batch got. It outlives a failed attempt: trades stored or refused
 * one by one before an outage are neither stored nor dead-lettered again by the retry.
 */
export interface StoreProgress {
  changes: SymbolChange[];
  /** Symbols whose averages were recomputed after a late trade. */
  late: string[];
  /** Price alerts fired. */
  priceAlerts: number;
  /** Why price rules could not be judged, for each transaction that stored without judging. */
  priceRuleFaults: unknown[];
  /** The batch was refused as a whole and is being stored trade by trade. */
  oneByOne: boolean;
  /** In one-by-one mode, the index of the next trade to store. */
  next: number;
  /** Symbols whose trades a transaction of the whole batch stored: never stored again. */
  storedSymbols: Set<string>;
  /** Dead letters for the trades the database refused, and for the conflicts once stored. */
  refused: DeadLetter[];
  /** Copies of a trade id with other values than the one kept, by the copy's values. */
  conflicts: Map<string, ConflictingTrade>;
}

/** A batch's progress before its first attempt. */
export function freshProgress(): StoreProgress {
  return {
    changes: [],
    late: [],
    priceAlerts: 0,
    priceRuleFaults: [],
    oneByOne: false,
    next: 0,
    storedSymbols: new Set(),
    refused: [],
    conflicts: new Map(),
  };
}

/** What storing needs. */
export interface StoringOptions {
  database: Pick<DatabasePool, "sql">;
  windows: WindowCache;
  /** An attempt taking longer than this fails (and is retried). */
  timeoutMs: number;
  log: Logger;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): retrying cannot help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}

/**
 * One attempt at storing `decoded` (with the rows `planned` when they were taken in), going on
 * from `progress`: the batch as a whole or, once refused as a whole, trade by trade. Throws
 * what an outage threw, for the caller to retry.
 */
export async function storeDecoded(
  options: StoringOptions,
  decoded: Decoded[],
  planned: Planned | undefined,
  progress: StoreProgress,
  source: BatchSource,
): Promise<void> {
  const { windows, log } = options;
  if (!progress.oneByOne) {
    try {
      const events = decoded.map((d) => d.event);
      await storeInLanes(options, events, planned, progress, progress.storedSymbols);
      refuseConflicts(progress, decoded, source, log);
      return;
    } catch (error) {
      if (!isDataError(error)) throw error;
      windows.forget();
      log.error("batch refused by the database; storing it trade by trade", { error });
      progress.oneByOne = true;
    }
  }
  // A value the database refuses would fail its batch forever: find it and dead-letter it.
  for (; progress.next < decoded.length; progress.next++) {
    const { event, offset } = decoded[progress.next];
    if (progress.storedSymbols.has(event.symbol)) continue;
    try {
      await storeInLanes(options, [event], undefined, progress, new Set());
    } catch (error) {
      if (!isDataError(error)) throw error;
      windows.forget();
      const reason = `database refused the trade: ${(error as Error).message}`;
      const from = { topic: source.topic, partition: source.partition, offset };
      log.error("trade dead-lettered", { reason, ...from });
      progress.refused.push(deadLetter("consumer", reason, encodeTradeEvent(event), from));
    }
  }
  refuseConflicts(progress, decoded, source, log);
}

/** Dead letters for the conflicting copies found, one for each message that carried one. */
function refuseConflicts(
  progress: StoreProgress,
  decoded: Decoded[],
  source: BatchSource,
  log: Logger,
): void {
  for (const [key, conflict] of progress.conflicts) {
    // Every message that carried the copy: each is refused once.
    for (const copy of decoded.filter(({ event }) => tradeKey(event) === key)) {
      const reason = conflictReason(conflict);
      const from = { topic: source.topic, partition: source.partition, offset: copy.offset };
      log.warn("trade dead-lettered", { reason, ...from });
      progress.refused.push(deadLetter("consumer", reason, encodeTradeEvent(copy.event), from));
    }
  }
  progress.conflicts.clear();
}

/** A trade's identity and values, which tell a conflicting copy from the one kept. */
function tradeKey(trade: ConflictingTrade["trade"]): string {
  const { symbol, tradeId, price, quantity, tradeTime, isBuyerMaker } = trade;
  return `${symbol} ${tradeId} ${price} ${quantity} ${tradeTime} ${isBuyerMaker}`;
}

/**
 * Stores `events` (with `planned` rows while those are current, else planned afresh), the
 * symbols in `done` left out, each lane of symbols in its own transaction, within the deadline.
 */
async function storeInLanes(
  options: StoringOptions,
  events: TradeEvent[],
  planned: Planned | undefined,
  progress: StoreProgress,
  done: Set<string>,
): Promise<void> {
  const { database, windows, timeoutMs } = options;
  const attempt = (async () => {
    const plan = await windows.current(database.sql, events, planned);
    const rows = plan.rows.filter((row) => !done.has(row.symbol));
    const outcomes = await storeTradesInLanes(
      database.sql,
      rows,
      windows.windowSize,
      plan.windowEnds,
      STORE_LANES,
    );
    return { outcomes, conflicts: plan.conflicts };
  })();
  const { outcomes, conflicts } = await withDeadline(attempt, timeoutMs);
  mergeLanes(outcomes, conflicts, progress, done);
}

/**
 * Adds what each lane stored to `progress` (with the conflicting copies of its symbols, those
 * the batch held and those the database did) and its symbols to `done`, even when another lane
 * failed: then that lane's error is thrown, an outage before a refused value, so an outage is
 * retried (on a renewed pool) rather than gone through trade by trade on a connection that may
 * be broken.
 */
function mergeLanes(
  outcomes: LaneOutcome[],
  planConflicts: ConflictingTrade[],
  progress: StoreProgress,
  done: Set<string>,
): void {
  const errors: unknown[] = [];
  for (const outcome of outcomes) {
    if ("error" in outcome) {
      errors.push(outcome.error);
      continue;
    }
    const { changes, late, priceAlerts, priceRuleFault } = outcome.stored;
    // A later copy in the batch was judged against the batch's first; where the database holds
    // another copy still, that one is kept, and the later copy is judged against it.
    const kept = new Map(
      outcome.stored.conflicts.map((c) => [`${c.trade.symbol} ${c.trade.tradeId}`, c.kept]),
    );
    const symbols = new Set(outcome.symbols);
    const found = [
      ...outcome.stored.conflicts,
      ...planConflicts.filter(({ trade }) => symbols.has(trade.symbol)).map((conflict) => ({
        trade: conflict.trade,
        kept: kept.get(`${conflict.trade.symbol} ${conflict.trade.tradeId}`) ?? conflict.kept,
      })).filter((conflict) => !sameTrade(conflict)),
    ];
    for (const conflict of found) progress.conflicts.set(tradeKey(conflict.trade), conflict);
    progress.changes.push(...changes);
    progress.late.push(...late);
    progress.priceAlerts += priceAlerts;
    if (priceRuleFault !== undefined) progress.priceRuleFaults.push(priceRuleFault);
    for (const symbol of outcome.symbols) done.add(symbol);
  }
  if (errors.length > 0) throw errors.find((error) => !isDataError(error)) ?? errors[0];
}

/** `work`, or a rejection once `ms` have passed without it settling. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
