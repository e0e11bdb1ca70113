/**
 * The consumer's work on one Kafka batch, in two steps so the next batch can be fetched and
 * taken in while one is stored: `accept` decodes it (`batch_decoding.ts`) and plans its rows on
 * the windows in memory (`window_cache.ts`); the work it returns stores the rows
 * (`batch_storing.ts`) and dead-letters what could not be decoded, is past retention or was
 * refused, retrying while PostgreSQL or Kafka is unavailable, and resolves only once everything
 * is durable, so the caller may then commit the offsets.
 */
import type { KafkaMessage } from "kafkajs";
import type { DatabasePool } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { retryTransient } from "../runtime/retry.ts";
import type { DeadLetter } from "../domain/dead_letter.ts";
import { type BatchSource, decodeBatch, type Decoded } from "./batch_decoding.ts";
import { type Planned, WindowCache } from "./window_cache.ts";
import { freshProgress, storeDecoded } from "./batch_storing.ts";

/** Counters the consumer reports in its status line. */
export interface ConsumerStats {
  consumed: number;
  stored: number;
  duplicates: number;
  deadLettered: number;
  whales: number;
  /** Users' price alerts fired. */
  priceAlerts: number;
  /** Storing transactions whose price rules could not be judged (their trades were stored). */
  priceRuleFaults: number;
  batches: number;
  databaseErrors: number;
  /** The latest `receivedAt` among the trades handled, epoch ms. */
  lastReceivedAt: number;
}

/** What {@link createBatchHandler} needs. */
export interface BatchHandlerOptions {
  /** Renewed after every failed store, so a connection the driver broke is dropped. */
  database: Pick<DatabasePool, "sql" | "renew">;
  windowSize: number;
  whaleThreshold: string;
  log: Logger;
  /** Sends dead letters durably; must throw on failure so offsets are not committed. */
  sendDeadLetters: (letters: DeadLetter[]) => Promise<void>;
  /** A store attempt taking longer than this fails and is retried; default 60 s. */
  storeTimeoutMs?: number;
  /** Trades older than this many days (see `retentionCutoff`) are dead-lettered; default none. */
  tradesRetentionDays?: number;
  /** The clock the retention cutoff is taken from; default `Date.now`. */
  now?: () => number;
}

/** Per-batch context from kafkajs. */
export interface BatchContext extends BatchSource {
  /** Keeps the group membership alive during long retries; throws on a rebalance. */
  heartbeat: () => Promise<void>;
  /** True once the batch should be abandoned (shutdown, or a seek made it stale). */
  shouldStop: () => boolean;
}

/** The handler and its counters. */
export interface BatchHandler {
  stats: ConsumerStats;
  /** Drops the in-memory windows; the next batch restores them from the database. */
  resetWindows(): void;
  /**
   * Takes in `messages`: decodes them and plans their rows on the windows of the batches taken
   * in before, so it may run while the batch before is still being stored. Returns the work that
   * stores them, to run once the batch before is durable: it resolves when they and their dead
   * letters are durable, and throws {@link BatchAbandoned} when the context says stop first,
   * and an `UnrecoverableError` when the database refuses credentials, permissions or the schema.
   */
  accept(messages: KafkaMessage[], context: BatchContext): () => Promise<void>;
}

/** Thrown when a batch was given up before it was stored; its offsets must not be committed. */
export class BatchAbandoned extends Error {
  readonly code = "BATCH_ABANDONED";
  constructor() {
    super("batch abandoned before it was stored");
    this.name = "BatchAbandoned";
  }
}

/** Makes the handler; windows are restored from the database on first use. */
export function createBatchHandler(options: BatchHandlerOptions): BatchHandler {
  const { database, log, storeTimeoutMs = 60_000, tradesRetentionDays, now = Date.now } = options;
  const stats: ConsumerStats = {
    consumed: 0,
    stored: 0,
    duplicates: 0,
    deadLettered: 0,
    whales: 0,
    priceAlerts: 0,
    priceRuleFaults: 0,
    batches: 0,
    databaseErrors: 0,
    lastReceivedAt: 0,
  };
  const windows = new WindowCache(options.windowSize, options.whaleThreshold);
  const storing = { database, windows, timeoutMs: storeTimeoutMs, log };

  function accept(messages: KafkaMessage[], context: BatchContext): () => Promise<void> {
    const { decoded, rejected } = decodeBatch(messages, context, {
      retentionDays: tradesRetentionDays,
      now: now(),
      log,
    });
    // Planned now when the windows are at hand (they hold the batches taken in before); rows
    // planned on windows dropped meanwhile are planned again when stored.
    const planned = windows.planIfLoaded(decoded.map((d) => d.event));
    // Only the count is kept of the raw messages, not the messages.
    const count = messages.length;
    return () => storeTakenIn(count, decoded, rejected, planned, context);
  }

  /** Stores what {@link accept} took in; resolves once it and its dead letters are durable. */
  async function storeTakenIn(
    count: number,
    decoded: Decoded[],
    rejected: DeadLetter[],
    planned: Planned | undefined,
    context: BatchContext,
  ): Promise<void> {
    const retrying = { log, shouldStop: context.shouldStop, whileWaiting: context.heartbeat };
    const progress = freshProgress();
    let failed = false;
    if (decoded.length > 0) {
      const stored = await retryTransient("store", async () => {
        await storeDecoded(storing, decoded, planned, progress, context);
        return true;
      }, {
        ...retrying,
        service: "database",
        onFailure: () => {
          failed = true;
          windows.forget();
          stats.databaseErrors++;
          database.renew();
        },
      });
      if (!stored) throw new BatchAbandoned();
    }
    // Sent before the offsets are committed: after a crash the batch, and its letters, return.
    const letters = [...rejected, ...progress.refused];
    if (letters.length > 0) {
      const sent = await retryTransient("dead-letter send", async () => {
        await options.sendDeadLetters(letters);
        return true;
      }, { ...retrying, service: "kafka" });
      if (!sent) throw new BatchAbandoned();
    }
    // Averages after a late trade were recomputed in SQL, maybe by an attempt that outlived its
    // deadline and committed after the retry planned: the windows follow the database.
    if (failed || progress.late.length > 0) windows.forget();
    for (const error of progress.priceRuleFaults) {
      stats.priceRuleFaults++;
      log.error("price rules not judged; the trades are stored and the next batch judges again", {
        error,
      });
    }
    const stored = progress.changes.reduce((sum, change) => sum + change.inserted, 0);
    stats.consumed += count;
    stats.deadLettered += letters.length;
    stats.stored += stored;
    stats.duplicates += decoded.length - stored - progress.refused.length;
    stats.whales += progress.changes.reduce((sum, change) => sum + change.whaleTradeIds.length, 0);
    stats.priceAlerts += progress.priceAlerts;
    stats.batches++;
    for (const { event } of decoded) {
      if (event.receivedAt > stats.lastReceivedAt) stats.lastReceivedAt = event.receivedAt;
    }
  }

  return { stats, resetWindows: () => windows.forget(), accept };
}
