/**
 * The consumer's work on one Kafka batch, in two steps so the next batch can be fetched and
 * taken in while one is stored: `accept` decodes it and plans its rows on the windows in memory;
 * the work it returns dead-letters what cannot be decoded or is past retention and stores the
 * rows, retrying with backoff while PostgreSQL is unavailable, and resolves only once everything
 * is durable, so the caller may then commit the offsets.
 */
import type { KafkaMessage } from "kafkajs";
import type { DatabasePool } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { decodeTradeEvent, encodeTradeEvent, type TradeEvent } from "../domain/trade_event.ts";
import { type DeadLetter, deadLetter } from "../domain/dead_letter.ts";
import { type BatchPlan, planBatch } from "../domain/batch_plan.ts";
import { loadWindows, STORE_LANES, type StoreResult, storeTradesInLanes } from "./trade_store.ts";
import type { MovingWindow } from "../domain/moving_window.ts";
import { backoffDelay } from "../domain/backoff.ts";
import { retentionCutoff } from "../domain/retention.ts";
import { sleep } from "../runtime/sleep.ts";
import { asUnrecoverable } from "../runtime/unrecoverable.ts";

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

interface Decoded {
  event: TradeEvent;
  offset: string;
}

/** Rows planned on the windows of one generation: stale once the windows were dropped. */
interface Planned extends BatchPlan {
  generation: number;
}

/**
 * How far the storing of one batch got. It outlives a failed attempt: trades stored or refused
 * one by one before an outage are neither stored nor dead-lettered again by the retry.
 */
interface StoreProgress extends StoreResult {
  /** The batch was refused as a whole and is being stored trade by trade. */
  oneByOne: boolean;
  /** In one-by-one mode, the index of the next trade to store. */
  next: number;
  /** Symbols whose trades a transaction of the whole batch stored: never stored again. */
  storedSymbols: Set<string>;
  /** Dead letters for the trades the database refused. */
  refused: DeadLetter[];
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): retrying cannot help. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}

/** Makes the handler; windows are restored from the database on first use. */
export function createBatchHandler(options: BatchHandlerOptions): BatchHandler {
  const { database, windowSize, whaleThreshold, log, storeTimeoutMs = 60_000 } = options;
  const { tradesRetentionDays, now = Date.now } = options;
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
  let windows: Map<string, MovingWindow> | undefined;
  // Bumped whenever the windows are dropped, so an attempt that outlived its deadline cannot
  // put back windows the retry no longer trusts.
  let windowsGeneration = 0;
  const forgetWindows = () => {
    windows = undefined;
    windowsGeneration++;
  };

  async function retry<T>(
    what: string,
    context: BatchContext,
    work: () => Promise<T>,
    onFailure: () => void = () => {},
  ) {
    for (let attempt = 0;; attempt++) {
      if (context.shouldStop()) throw new BatchAbandoned();
      try {
        return await work();
      } catch (error) {
        if (error instanceof BatchAbandoned) throw error;
        forgetWindows();
        const unrecoverable = asUnrecoverable(error, what === "store" ? "database" : "kafka");
        if (unrecoverable) throw unrecoverable;
        onFailure();
        const delay = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000 });
        log.warn(`${what} failed; retrying`, { error, attempt, delayMs: delay });
        // Heartbeat while waiting so a long outage does not cost the partition.
        for (let waited = 0; waited < delay && !context.shouldStop(); waited += 1_000) {
          await sleep(Math.min(1_000, delay - waited));
          await context.heartbeat();
        }
      }
    }
  }

  /**
   * Stores `events` with `planned` rows while those are not stale, else planned afresh, each
   * lane of symbols in its own transaction. The symbols in `done` are skipped, and those a lane
   * stored are added to it and their result to `progress`, even when another lane failed: then
   * that lane's error is thrown. An attempt past its deadline still adds what it stores later;
   * once the batch is done, that is too late to count, and its trades count as duplicates.
   */
  async function store(
    events: TradeEvent[],
    planned: Planned | undefined,
    progress: StoreProgress,
    done: Set<string>,
  ): Promise<void> {
    const attempt = (async () => {
      let plan: BatchPlan | undefined = planned?.generation === windowsGeneration
        ? planned
        : undefined;
      if (!plan) {
        const generation = windowsGeneration;
        const current = windows ?? await loadWindows(database.sql, windowSize);
        if (generation !== windowsGeneration) throw new Error("store attempt superseded");
        windows = current;
        plan = planBatch(events, current, windowSize, whaleThreshold);
      }
      const rows = plan.rows.filter((row) => !done.has(row.symbol));
      const outcomes = await storeTradesInLanes(
        database.sql,
        rows,
        windowSize,
        plan.windowEnds,
        STORE_LANES,
      );
      const errors: unknown[] = [];
      for (const outcome of outcomes) {
        if ("stored" in outcome) {
          keep(progress, outcome.stored);
          for (const symbol of outcome.symbols) done.add(symbol);
        } else errors.push(outcome.error);
      }
      // An outage before a refused value: it is retried (the pool renewed), not gone through
      // trade by trade on a connection that may be broken.
      if (errors.length > 0) throw errors.find((error) => !isDataError(error)) ?? errors[0];
    })();
    await withDeadline(attempt, storeTimeoutMs);
  }

  /** Adds what a store did to `progress`, and reports price rules it could not judge. */
  function keep(progress: StoreProgress, result: StoreResult) {
    progress.changes.push(...result.changes);
    progress.late.push(...result.late);
    progress.priceAlerts += result.priceAlerts;
    if (result.priceRuleFault !== undefined) {
      stats.priceRuleFaults++;
      log.error("price rules not judged; the trades are stored and the next batch judges again", {
        error: result.priceRuleFault,
      });
    }
  }

  /** Stores `decoded` as one transaction or, once refused as a whole, trade by trade. */
  async function storeFrom(
    decoded: Decoded[],
    planned: Planned | undefined,
    progress: StoreProgress,
    context: BatchContext,
  ) {
    if (!progress.oneByOne) {
      try {
        await store(decoded.map((d) => d.event), planned, progress, progress.storedSymbols);
        return;
      } catch (error) {
        if (!isDataError(error)) throw error;
        forgetWindows();
        log.error("batch refused by the database; storing it trade by trade", { error });
        progress.oneByOne = true;
      }
    }
    // A value the database refuses would fail its batch forever: find it and dead-letter it.
    for (; progress.next < decoded.length; progress.next++) {
      const { event, offset } = decoded[progress.next];
      if (progress.storedSymbols.has(event.symbol)) continue;
      try {
        await store([event], undefined, progress, new Set());
      } catch (error) {
        if (!isDataError(error)) throw error;
        forgetWindows();
        const reason = `database refused the trade: ${(error as Error).message}`;
        const source = { topic: context.topic, partition: context.partition, offset };
        log.error("trade dead-lettered", { reason, ...source });
        progress.refused.push(deadLetter("consumer", reason, encodeTradeEvent(event), source));
      }
    }
  }

  /** The trade events of `messages`, and dead letters for what is unusable or past retention. */
  function decode(messages: KafkaMessage[], context: BatchContext) {
    const decoded: Decoded[] = [];
    const rejected: DeadLetter[] = [];
    const cutoff = tradesRetentionDays === undefined
      ? undefined
      : retentionCutoff(now(), tradesRetentionDays);
    for (const message of messages) {
      const raw = message.value?.toString("utf8");
      const result = decodeTradeEvent(raw);
      const reason = !result.ok
        ? result.reason
        : cutoff !== undefined && result.event.tradeTime < cutoff
        ? `trade time ${new Date(result.event.tradeTime).toISOString()} is past the ` +
          `${tradesRetentionDays}-day retention (TRADES_RETENTION_DAYS)`
        : undefined;
      if (result.ok && reason === undefined) {
        decoded.push({ event: result.event, offset: message.offset });
      } else {
        const source = {
          topic: context.topic,
          partition: context.partition,
          offset: message.offset,
        };
        log.warn("message dead-lettered", { reason, ...source });
        rejected.push(deadLetter("consumer", reason!, raw ?? "", source));
      }
    }
    return { decoded, rejected };
  }

  function accept(messages: KafkaMessage[], context: BatchContext): () => Promise<void> {
    const { decoded, rejected } = decode(messages, context);
    // Planned now when the windows are at hand (they hold the batches taken in before); rows
    // planned on windows dropped meanwhile are planned again when stored.
    const planned: Planned | undefined = windows && decoded.length > 0
      ? {
        generation: windowsGeneration,
        ...planBatch(decoded.map((d) => d.event), windows, windowSize, whaleThreshold),
      }
      : undefined;
    // Only the count is kept of the raw messages, not the messages.
    const count = messages.length;
    return () => storeAccepted(count, decoded, rejected, planned, context);
  }

  /** Stores what {@link accept} took in; resolves once it and its dead letters are durable. */
  async function storeAccepted(
    count: number,
    decoded: Decoded[],
    rejected: DeadLetter[],
    planned: Planned | undefined,
    context: BatchContext,
  ): Promise<void> {
    const progress: StoreProgress = {
      oneByOne: false,
      next: 0,
      storedSymbols: new Set(),
      changes: [],
      late: [],
      priceAlerts: 0,
      refused: [],
    };
    if (decoded.length > 0) {
      await retry("store", context, () => storeFrom(decoded, planned, progress, context), () => {
        stats.databaseErrors++;
        database.renew();
      });
    }
    // Sent before the offsets are committed: after a crash the batch, and its letters, return.
    const letters = [...rejected, ...progress.refused];
    if (letters.length > 0) {
      await retry("dead-letter send", context, () => options.sendDeadLetters(letters));
    }
    // Averages after a late trade were recomputed in SQL: the windows follow the database.
    if (progress.late.length > 0) forgetWindows();
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

  return { stats, resetWindows: forgetWindows, accept };
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
