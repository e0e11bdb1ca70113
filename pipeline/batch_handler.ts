/**
 * The consumer's work on one Kafka batch: decode, dead-letter what cannot be decoded, plan
 * the rows, and store them, retrying with backoff while PostgreSQL is unavailable. It returns
 * only once everything is durable, so the caller may then commit the offsets.
 */
import type { KafkaMessage } from "kafkajs";
import type { Sql } from "./database.ts";
import type { Logger } from "./log.ts";
import { decodeTradeEvent, type TradeEvent } from "./trade_event.ts";
import { type DeadLetter, deadLetter } from "./dead_letter.ts";
import { planBatch } from "./batch_plan.ts";
import { loadWindows, storeTrades, type SymbolChange } from "./trade_store.ts";
import type { MovingWindow } from "./moving_window.ts";
import { backoffDelay, sleep } from "./backoff.ts";

/** Counters the consumer reports in its status line. */
export interface ConsumerStats {
  consumed: number;
  stored: number;
  duplicates: number;
  deadLettered: number;
  whales: number;
  batches: number;
  databaseErrors: number;
  /** `receivedAt` of the newest stored trade, epoch ms. */
  lastReceivedAt: number;
}

/** What {@link createBatchHandler} needs. */
export interface BatchHandlerOptions {
  sql: Sql;
  windowSize: number;
  whaleThreshold: string;
  log: Logger;
  /** Sends dead letters durably; must throw on failure so offsets are not committed. */
  sendDeadLetters: (letters: DeadLetter[]) => Promise<void>;
}

/** Per-batch context from kafkajs. */
export interface BatchContext {
  topic: string;
  partition: number;
  /** Keeps the group membership alive during long retries; throws on a rebalance. */
  heartbeat: () => Promise<void>;
  /** True once the batch should be abandoned (shutdown, rebalance). */
  shouldStop: () => boolean;
}

/** The handler and its counters. */
export interface BatchHandler {
  stats: ConsumerStats;
  /** Drops the in-memory windows; the next batch restores them from the database. */
  resetWindows(): void;
  /**
   * Stores `messages`; resolves when they are durable, throws {@link BatchAbandoned} when the
   * context says stop first. Returns what changed per symbol.
   */
  handle(messages: KafkaMessage[], context: BatchContext): Promise<SymbolChange[]>;
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
  const { sql, windowSize, whaleThreshold, log } = options;
  const stats: ConsumerStats = {
    consumed: 0,
    stored: 0,
    duplicates: 0,
    deadLettered: 0,
    whales: 0,
    batches: 0,
    databaseErrors: 0,
    lastReceivedAt: 0,
  };
  let windows: Map<string, MovingWindow> | undefined;

  async function retry<T>(what: string, context: BatchContext, work: () => Promise<T>) {
    for (let attempt = 0;; attempt++) {
      if (context.shouldStop()) throw new BatchAbandoned();
      try {
        return await work();
      } catch (error) {
        if (error instanceof BatchAbandoned) throw error;
        windows = undefined;
        const delay = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000 });
        if (what === "store") stats.databaseErrors++;
        log.warn(`${what} failed; retrying`, { error, attempt, delayMs: delay });
        // Heartbeat while waiting so a long outage does not cost the partition.
        for (let waited = 0; waited < delay && !context.shouldStop(); waited += 1_000) {
          await sleep(Math.min(1_000, delay - waited));
          await context.heartbeat();
        }
      }
    }
  }

  async function handle(messages: KafkaMessage[], context: BatchContext) {
    const events: TradeEvent[] = [];
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      const raw = message.value?.toString("utf8");
      const decoded = decodeTradeEvent(raw);
      if (decoded.ok) {
        events.push(decoded.event);
      } else {
        const source = {
          topic: context.topic,
          partition: context.partition,
          offset: message.offset,
        };
        log.warn("message dead-lettered", { reason: decoded.reason, ...source });
        letters.push(deadLetter("consumer", decoded.reason, raw ?? "", source));
      }
    }
    if (letters.length > 0) {
      await retry("dead-letter send", context, () => options.sendDeadLetters(letters));
    }
    const result = await retry("store", context, async () => {
      windows ??= await loadWindows(sql, windowSize);
      const plan = planBatch(events, windows, windowSize, whaleThreshold);
      return await storeTrades(sql, plan.rows, windowSize, plan.windowEnds);
    });
    // Averages after a late trade were recomputed in SQL: the windows follow the database.
    if (result.late.length > 0) windows = undefined;
    const stored = result.changes.reduce((sum, change) => sum + change.inserted, 0);
    stats.consumed += messages.length;
    stats.deadLettered += letters.length;
    stats.stored += stored;
    stats.duplicates += events.length - stored;
    stats.whales += result.changes.reduce((sum, change) => sum + change.whaleTradeIds.length, 0);
    stats.batches++;
    for (const event of events) {
      if (event.receivedAt > stats.lastReceivedAt) stats.lastReceivedAt = event.receivedAt;
    }
    return result.changes;
  }

  return { stats, resetWindows: () => windows = undefined, handle };
}
