/**
 * Storage side by side, each on a fresh database: our batched path as the consumer runs it
 * (`storeTradesInLanes`, `STORE_LANES` transactions at once), the replaced Python system's
 * transaction per trade, and `psql \copy` as the ceiling.
 */
import { arrayLiteral } from "../runtime/database.ts";
import { planBatch, type TradeRow } from "../domain/batch_plan.ts";
import type { MovingWindow } from "../domain/moving_window.ts";
import { STORE_LANES, storeTradesInLanes } from "../pipeline/trade_store.ts";
import type { TradeEvent } from "../domain/trade_event.ts";
import {
  BATCH_SIZE,
  inBatches,
  simulatedTrades,
  tradeEvents,
  WHALE_THRESHOLD,
  WINDOW_SIZE,
} from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { copyTrades, writeTradesCsv } from "./copy_load.ts";
import { grouped, perSecond, ratio } from "./measure.ts";
import { createScratchDatabase, type ScratchDatabase } from "./scratch_database.ts";
import { storeTradeAlone } from "./seed_store.ts";

/** One timed load. */
export interface LoadResult {
  trades: number;
  ms: number;
  tradesPerSecond: number;
}

/** The three paths and how they compare. */
export interface StorageResult {
  /** Our path: `planBatch` then `storeTradesInLanes`, 2,000 trades a batch. */
  batched: LoadResult & { batchSize: number };
  /** The seed's path: one transaction per trade (insert, upsert aggregate, commit). */
  perTradeTransaction: LoadResult;
  /** `psql \copy` of the rows the batched path stored, into `trades` only. */
  copyCeiling: LoadResult;
  /** batched ÷ per-trade, and batched ÷ copy (the share of the ceiling we reach). */
  ratios: { batchedOverPerTrade: number; batchedOverCopy: number };
}

/** What {@link benchStorage} loads. */
export interface StorageOptions {
  /** Trades through the batched path and through `\copy`. */
  batchedTrades: number;
  /** Trades through the per-trade path (it is slow). */
  perTradeTrades: number;
  /** A directory for the CSV file. */
  workDir: string;
  cleanup: Cleanup;
}

/** Runs the three loads one after another, each into its own fresh database. */
export async function benchStorage(options: StorageOptions): Promise<StorageResult> {
  const { batchedTrades, perTradeTrades, workDir, cleanup } = options;
  const events = tradeEvents(simulatedTrades(batchedTrades));
  // Every path writes into the same day partitions, made before its clock starts.
  const days = [...new Set(events.map((e) => new Date(e.tradeTime).toISOString().slice(0, 10)))];

  const batched = await withDatabase("batched", days, cleanup, async (db) => {
    const windows = new Map<string, MovingWindow>();
    const start = performance.now();
    for (const batch of inBatches(events, BATCH_SIZE)) {
      const plan = planBatch(batch, windows, WINDOW_SIZE, WHALE_THRESHOLD);
      const lanes = await storeTradesInLanes(
        db.sql,
        plan.rows,
        WINDOW_SIZE,
        plan.windowEnds,
        STORE_LANES,
      );
      for (const lane of lanes) if ("error" in lane) throw lane.error;
    }
    return await loaded(db, events.length, performance.now() - start);
  });
  console.log(
    `storeTradesInLanes, ${grouped(BATCH_SIZE)} trades a batch in ${STORE_LANES} lanes: ` +
      `${grouped(batched.tradesPerSecond)} trades/s ` +
      `(${grouped(batched.trades)} trades with moving averages, whale flags and aggregates)`,
  );

  const rows = plannedRows(events);
  const perTradeTransaction = await withDatabase("per_trade", days, cleanup, async (db) => {
    const sample = rows.slice(0, perTradeTrades);
    const start = performance.now();
    for (const row of sample) await storeTradeAlone(db.sql, row);
    return await loaded(db, sample.length, performance.now() - start);
  });
  console.log(
    `one transaction per trade (the Python system's path): ` +
      `${grouped(perTradeTransaction.tradesPerSecond)} trades/s ` +
      `(${grouped(perTradeTransaction.trades)} trades, each insert + aggregate upsert + commit)`,
  );

  const csvPath = `${workDir}/trades.csv`;
  await writeTradesCsv(rows, csvPath);
  const copyCeiling = await withDatabase("copy", days, cleanup, async (db) => {
    return await loaded(db, rows.length, await copyTrades(db.url, csvPath));
  });
  await Deno.remove(csvPath);
  console.log(
    `psql \\copy into trades (the storage ceiling): ${
      grouped(copyCeiling.tradesPerSecond)
    } rows/s ` +
      `(${grouped(copyCeiling.trades)} rows, no aggregates, psql start-up included)`,
  );

  const ratios = {
    batchedOverPerTrade: ratio(batched.tradesPerSecond, perTradeTransaction.tradesPerSecond),
    batchedOverCopy: ratio(batched.tradesPerSecond, copyCeiling.tradesPerSecond),
  };
  console.log(
    `storage ratios: batched is ${ratios.batchedOverPerTrade}× the per-trade path and ` +
      `reaches ${Math.round(ratios.batchedOverCopy * 100)}% of the \\copy ceiling`,
  );
  return {
    batched: { ...batched, batchSize: BATCH_SIZE },
    perTradeTransaction,
    copyCeiling,
    ratios,
  };
}

async function withDatabase<T>(
  label: string,
  days: string[],
  cleanup: Cleanup,
  work: (db: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const db = await createScratchDatabase(label, cleanup);
  try {
    // Connected, with the trades' partitions in place, before the clock starts.
    await db.sql`select ensure_trade_partitions(${arrayLiteral(days)}::date[])`;
    return await work(db);
  } finally {
    await db.drop();
  }
}

/** The result of a load, after checking that every row arrived. */
async function loaded(db: ScratchDatabase, trades: number, ms: number): Promise<LoadResult> {
  const [{ count }] = await db.sql<{ count: number }[]>`select count(*)::int as count from trades`;
  if (count !== trades) throw new Error(`expected ${trades} rows in trades, found ${count}`);
  return { trades, ms: Math.round(ms), tradesPerSecond: perSecond(trades, ms) };
}

function plannedRows(events: readonly TradeEvent[]): TradeRow[] {
  const windows = new Map<string, MovingWindow>();
  return inBatches(events, BATCH_SIZE).flatMap((batch) =>
    planBatch(batch, windows, WINDOW_SIZE, WHALE_THRESHOLD).rows
  );
}
