/**
 * The consumer's work on one Kafka batch: decode, dead-letter what cannot be decoded, plan
 * the rows, and store them, retrying with backoff while PostgreSQL is unavailable. It returns
 * only once everything is durable, so the caller may then commit the offsets.
 */
import type { KafkaMessage } from "kafkajs";
import type { Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { decodeTradeEvent, encodeTradeEvent, type TradeEvent } from "../domain/trade_event.ts";
import { type DeadLetter, deadLetter } from "../domain/dead_letter.ts";
import { planBatch } from "../domain/batch_plan.ts";
import { loadWindows, type StoreResult, storeTrades } from "./trade_store.ts";
import type { MovingWindow } from "../domain/moving_window.ts";
import { backoffDelay } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";

/** Counters the consumer reports in its status line. */
export interface ConsumerStats {
  consumed: number;
  stored: number;
  duplicates: number;
  deadLettered: number;
  whales: number;
  batches: number;
  databaseErrors: number;
  /** The latest `receivedAt` among the trades handled, epoch ms. */
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
  /** True once the batch should be abandoned (shutdown, or a seek made it stale). */
  shouldStop: () => boolean;
}

/** The handler and its counters. */
export interface BatchHandler {
  stats: ConsumerStats;
  /** Drops the in-memory windows; the next batch restores them from the database. */
  resetWindows(): void;
  /**
   * Stores `messages`; resolves when they and their dead letters are durable, throws
   * {@link BatchAbandoned} when the context says stop first.
   */
  handle(messages: KafkaMessage[], context: BatchContext): Promise<void>;
}

/** Thrown when a batch was given up before it was stored; its offsets must not be committed. */
export class BatchAbandoned extends Error {
  readonly code = "BATCH_ABANDONED";
  constructor() {
    super("batch abandoned before it was stored");
    this.name = "BatchAbandoned";
  }
}

interface Decoded {
  event: TradeEvent;
  offset: string;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): retrying cannot help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
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

  async function store(events: TradeEvent[]): Promise<StoreResult> {
    windows ??= await loadWindows(sql, windowSize);
    const plan = planBatch(events, windows, windowSize, whaleThreshold);
    return await storeTrades(sql, plan.rows, windowSize, plan.windowEnds);
  }

  // A value the database refuses would fail its batch forever: find it and dead-letter it.
  async function storeOneByOne(decoded: Decoded[], letters: DeadLetter[], context: BatchContext) {
    const result: StoreResult = { changes: [], late: [] };
    for (const { event, offset } of decoded) {
      try {
        const one = await store([event]);
        result.changes.push(...one.changes);
        result.late.push(...one.late);
      } catch (error) {
        windows = undefined;
        if (!isDataError(error)) throw error;
        const reason = `database refused the trade: ${(error as Error).message}`;
        const source = { topic: context.topic, partition: context.partition, offset };
        log.error("trade dead-lettered", { reason, ...source });
        letters.push(deadLetter("consumer", reason, encodeTradeEvent(event), source));
      }
    }
    return result;
  }

  async function handle(messages: KafkaMessage[], context: BatchContext): Promise<void> {
    const decoded: Decoded[] = [];
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      const raw = message.value?.toString("utf8");
      const result = decodeTradeEvent(raw);
      if (result.ok) {
        decoded.push({ event: result.event, offset: message.offset });
      } else {
        const source = {
          topic: context.topic,
          partition: context.partition,
          offset: message.offset,
        };
        log.warn("message dead-lettered", { reason: result.reason, ...source });
        letters.push(deadLetter("consumer", result.reason, raw ?? "", source));
      }
    }
    const events = decoded.map((d) => d.event);
    const result = await retry("store", context, async () => {
      try {
        return await store(events);
      } catch (error) {
        windows = undefined;
        if (!isDataError(error)) throw error;
        log.error("batch refused by the database; storing it trade by trade", { error });
        return await storeOneByOne(decoded, letters, context);
      }
    });
    // Sent before the offsets are committed: after a crash the batch, and its letters, return.
    if (letters.length > 0) {
      await retry("dead-letter send", context, () => options.sendDeadLetters(letters));
    }
    // Averages after a late trade were recomputed in SQL: the windows follow the database.
    if (result.late.length > 0) windows = undefined;
    const stored = result.changes.reduce((sum, change) => sum + change.inserted, 0);
    const refused = letters.length - (messages.length - events.length);
    stats.consumed += messages.length;
    stats.deadLettered += letters.length;
    stats.stored += stored;
    stats.duplicates += events.length - stored - refused;
    stats.whales += result.changes.reduce((sum, change) => sum + change.whaleTradeIds.length, 0);
    stats.batches++;
    for (const event of events) {
      if (event.receivedAt > stats.lastReceivedAt) stats.lastReceivedAt = event.receivedAt;
    }
  }

  return { stats, resetWindows: () => windows = undefined, handle };
}
