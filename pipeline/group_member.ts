/**
 * The consumer's place in its Kafka consumer group, kept by itself. kafkajs gives up on a
 * member for good on some errors that are routine on a managed service: after a broker outage
 * an offset commit can be answered "The coordinator is not aware of this member", and kafkajs
 * stops (its issues #1568, #1630, #1152). Here a member that kafkajs stopped is disconnected and
 * a new one joins, with backoff, until an error no retry can mend (credentials, permissions,
 * configuration) ends it.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "../runtime/log.ts";
import { backoffDelay, type BackoffOptions } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";
import { asUnrecoverable, UnrecoverableError } from "../runtime/unrecoverable.ts";
import { BatchAbandoned, type BatchContext } from "./batch_handler.ts";

const REJOIN_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };

/** What {@link startGroupMember} needs. */
export interface GroupMemberOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** Most bytes fetched from one partition at once. */
  maxBytesPerPartition: number;
  sessionTimeoutMs: number;
  log: Logger;
  /** Runs before every join (topics created, producers connected); a failure is retried. */
  prepare: () => Promise<void>;
  /** Runs whenever the member (re)joins: state kept in memory may belong to another member now. */
  onJoin: () => void;
  /**
   * Handles one batch and resolves once it is durable; the next offset is committed only then.
   * Throws `BatchAbandoned` to leave it uncommitted, an `UnrecoverableError` to stop the member.
   */
  handle: (messages: KafkaMessage[], context: BatchContext) => Promise<void>;
}

/** A running member. */
export interface GroupMember {
  /** Settles when the member stops: resolves after `stop`, rejects on an unrecoverable error. */
  readonly done: Promise<void>;
  /** How many times a new member had to join after kafkajs gave one up. */
  readonly rejoins: number;
  /**
   * Per partition this member consumes, the messages behind its end (high watermark) after the
   * newest commit: the consumer lag. Cleared whenever the member (re)joins.
   */
  readonly lag: ReadonlyMap<number, number>;
  /** Finishes the batch in hand, leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** Joins the group and keeps a member in it until `stop` or an unrecoverable error. */
export function startGroupMember(options: GroupMemberOptions): GroupMember {
  const { kafka, groupId, topic, log } = options;
  const stopping = new AbortController();
  let inFlight: Promise<void> = Promise.resolve();
  let failures = 0;
  let joined = false;
  let rejoins = 0;
  const lag = new Map<number, number>();

  /** One kafkajs consumer, from connect to the error that ended it (undefined: stopped). */
  async function session(consumer: Consumer): Promise<unknown> {
    let end: (reason: unknown) => void = () => {};
    const ended = new Promise<unknown>((resolve) => end = resolve);
    const onAbort = () => end(undefined);
    stopping.signal.addEventListener("abort", onAbort, { once: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      lag.clear();
      options.onJoin();
    });
    // kafkajs restarts by itself after a crash it calls retriable; the others end the session.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) end(payload.error);
    });
    // Not awaited by itself: a stop while kafkajs is still retrying its connection ends the
    // session at once, and a failure to join ends it with that error.
    (async () => {
      await options.prepare();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => eachBatch(consumer, payload, end),
      });
      log.info(joined ? "consuming again" : "consuming", { topic, groupId });
      joined = true;
    })().catch(end);
    try {
      return await ended;
    } finally {
      stopping.signal.removeEventListener("abort", onAbort);
    }
  }

  async function eachBatch(
    consumer: Consumer,
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
    end: (reason: unknown) => void,
  ): Promise<void> {
    const last = batch.messages.at(-1);
    if (!last || stopping.signal.aborted) return;
    const work = (async () => {
      try {
        await options.handle(batch.messages, {
          topic: batch.topic,
          partition: batch.partition,
          heartbeat,
          shouldStop: () => stopping.signal.aborted || !isRunning() || isStale(),
        });
      } catch (error) {
        if (error instanceof BatchAbandoned) return;
        // Anything else goes to kafkajs, which retries, rejoins or gives the consumer up.
        if (!(error instanceof UnrecoverableError)) throw error;
        return end(error);
      }
      // kafkajs commits exactly this offset: the next one to read.
      const next = (BigInt(last.offset) + 1n).toString();
      await consumer.commitOffsets([{
        topic: batch.topic,
        partition: batch.partition,
        offset: next,
      }]);
      lag.set(batch.partition, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
      // Moves the fetch position; an abandoned batch is not resolved and is fetched again.
      resolveOffset(last.offset);
      failures = 0;
    })();
    inFlight = work.catch(() => {});
    await work;
  }

  const done = (async () => {
    while (!stopping.signal.aborted) {
      const consumer = kafka.consumer({
        groupId,
        maxBytesPerPartition: options.maxBytesPerPartition,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)),
      });
      const error = await session(consumer);
      // kafkajs drops a commit made after disconnect began: let the batch in hand finish first.
      await inFlight;
      await consumer.disconnect().catch(() => {});
      if (stopping.signal.aborted) return;
      const unrecoverable = asUnrecoverable(error, "kafka");
      if (unrecoverable) throw unrecoverable;
      const delayMs = backoffDelay(failures++, REJOIN_BACKOFF);
      const what = joined ? "left the consumer group; rejoining" : "cannot join the group yet";
      log.warn(what, { error, delayMs });
      if (joined) rejoins++;
      await sleep(delayMs, stopping.signal);
    }
  })();

  return {
    done,
    get rejoins() {
      return rejoins;
    },
    lag,
    async stop() {
      stopping.abort();
      await done.catch(() => {});
    },
  };
}
