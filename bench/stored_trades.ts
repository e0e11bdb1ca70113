/** What the benchmark reads back from a run's `trades` table: counts, rates and latencies. */
import type { Sql } from "../runtime/database.ts";
import { grouped, perSecond } from "./measure.ts";
import type { PipelineProcess } from "./pipeline_process.ts";
import type { PipelineRun } from "./pipeline_run.ts";
import { waitUntil } from "./wait_until.ts";

/** How many trades are stored, at a moment since the phase began. */
export interface StoredSample {
  /** Milliseconds since the phase began. */
  ms: number;
  stored: number;
}

/** Latency from a trade's time to its row, over the trades stored. */
export interface StoreLatency {
  /** Trades measured. */
  trades: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Trades stored, from the per-symbol aggregates the consumer updates in the same transaction
 * as the rows: one row per symbol to read, where `count(*)` of a growing `trades` would take a
 * core of its own at the benchmark's polling rate. {@link pollUntilStored} checks it against
 * `count(*)` once at the end.
 */
export async function countStored(sql: Sql): Promise<number> {
  const [{ count }] = await sql<{ count: number }[]>`
    select coalesce(sum(trade_count), 0)::float8 as count from trade_aggregates
  `;
  return count;
}

/** `count(*)` of `trades`. */
export async function countRows(sql: Sql): Promise<number> {
  const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from trades`;
  return count;
}

/**
 * The storing rate while the count went from 10% to 90% of `total`, in trades per second:
 * steady state, without start-up or the last partial batches. Undefined with too few samples.
 */
export function sustainedRate(samples: readonly StoredSample[], total: number): number | undefined {
  const from = samples.find((s) => s.stored >= total * 0.1);
  const to = samples.find((s) => s.stored >= total * 0.9);
  if (!from || !to || to.ms <= from.ms) return undefined;
  return perSecond(to.stored - from.stored, to.ms - from.ms);
}

/**
 * Percentiles of `created_at − trade_time` in ms over trades whose trade time is at or after
 * `fromEpochMs`. `created_at` is `now()`, the start of the storing transaction, so this is
 * the time from the trade (the simulator's clock) until the consumer began to store it.
 */
export async function storeLatency(sql: Sql, fromEpochMs: number): Promise<StoreLatency> {
  const [row] = await sql<
    { trades: number; p50: number | null; p99: number | null; max: number | null }[]
  >`
    select count(*)::int as trades,
      percentile_cont(0.5) within group (order by ms) as p50,
      percentile_cont(0.99) within group (order by ms) as p99,
      max(ms)::float8 as max
    from (
      select extract(epoch from created_at - trade_time)::float8 * 1000 as ms
      from trades
      where trade_time >= timestamptz 'epoch' + ${fromEpochMs}::bigint * interval '1 millisecond'
    ) latency
  `;
  const round = (ms: number | null) => ms === null ? NaN : Math.round(ms * 10) / 10;
  return {
    trades: row.trades,
    p50Ms: round(row.p50),
    p99Ms: round(row.p99),
    maxMs: round(row.max),
  };
}

/** What {@link pollUntilStored} polls, and for how long. */
export interface PollOptions {
  sql: Sql;
  total: number;
  /** How long the phase should take; a minute more is allowed. */
  expectedMs?: number;
  /** Children whose exit fails the wait at once. */
  watched: readonly PipelineProcess[];
  /** Milliseconds between polls, default 200. */
  pollMs?: number;
}

/**
 * Polls the count of stored trades until `total` are stored; returns every sample. Throws when
 * the rows in `trades` then disagree with the aggregates' count.
 */
export async function pollUntilStored(options: PollOptions): Promise<StoredSample[]> {
  const { sql, total, expectedMs = 0, watched } = options;
  const start = performance.now();
  const samples: StoredSample[] = [];
  await waitUntil(`${grouped(total)} trades stored`, async () => {
    const ms = performance.now() - start;
    const stored = await countStored(sql);
    samples.push({ ms, stored });
    return stored >= total;
  }, { timeoutMs: expectedMs + 60_000, intervalMs: options.pollMs ?? 200, watched });
  const rows = await countRows(sql);
  const counted = samples[samples.length - 1].stored;
  if (rows !== counted) {
    throw new Error(`trade_aggregates counts ${counted} trades, trades holds ${rows}`);
  }
  return samples;
}

/**
 * Waits until every trade generated so far is stored but those the producer dropped on a full
 * buffer, which never come; resolves to how many it dropped.
 */
export async function storedAllSent(
  run: PipelineRun,
  generated: number,
  what: string,
  intervalMs: number,
): Promise<number> {
  let dropped = 0;
  await waitUntil(`${what} to be stored`, async () => {
    dropped = await statusFigure(run.producer, "dropped") ?? 0;
    return await countStored(run.db.sql) >= generated - dropped;
  }, { timeoutMs: 120_000, intervalMs, watched: [run.producer, run.consumer] });
  return dropped;
}

/**
 * A number from the newest status line in `child`'s log (producer and consumer log one every
 * `STATUS_INTERVAL_MS`, a second in the benchmark), such as the producer's `dropped` or the
 * consumer's `batches`; undefined when no status line has it yet.
 */
export async function statusFigure(
  child: PipelineProcess,
  field: string,
): Promise<number | undefined> {
  for (const line of (await child.logTail(50)).split("\n").reverse()) {
    try {
      const entry = JSON.parse(line);
      if (entry.msg === "status" && typeof entry[field] === "number") return entry[field];
    } catch {
      // Not a log line of the component's (V8's inspector prints some), or one still written.
    }
  }
  return undefined;
}
