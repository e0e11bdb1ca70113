/**
 * The consumer's place in its Kafka consumer group, kept by itself. kafkajs gives up on a
 * member for good on some errors that are routine on a managed service: after a broker outage
 * an offset commit can be answered "The coordinator is not aware of this member", and kafkajs
 * stops (its issues #1568, #1630, #1152). Here a member that kafkajs stopped is disconnected and
 * a new one joins, with backoff, until an error no retry can mend (credentials, permissions,
 * configuration) ends it.
 *
 * Batches are taken in and stored one after another, but overlapped: while one batch is stored,
 * the next is fetched and taken in (decoded, planned), and the offsets of the batches stored are
 * committed meanwhile, one request at a time (see `offset_committer.ts`). A batch's offset is
 * committed only once it is durable; when a store fails, nothing after it is committed and the
 * member rejoins, reading again from the last committed offset.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "../runtime/log.ts";
import { backoffDelay, type BackoffOptions } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";
import { asUnrecoverable } from "../runtime/unrecoverable.ts";
import { BatchAbandoned, type BatchContext } from "./batch_handler.ts";
import { createOffsetCommitter, type OffsetCommitter } from "./offset_committer.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

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
   * Takes in one batch while the batch before may still be stored, and returns the work that
   * makes it durable; the member runs that work after the batch before is durable, and commits
   * the next offset only once it resolves. The work throws `BatchAbandoned` to leave the batch
   * uncommitted, an `UnrecoverableError` to stop the member; any other error makes it rejoin.
   */
  accept: (messages: KafkaMessage[], context: BatchContext) => () => Promise<void>;
}

/** A running member. */
export interface GroupMember extends Stoppable {
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
  // The batch being stored (resolving false when it was not stored), and whether a store of this
  // session failed: then nothing after it may be committed, until a new kafkajs consumer reads
  // again from the last commit.
  let storing: Promise<boolean> = Promise.resolve(true);
  let failed = false;
  // Counts group joins: an offset stored before a rebalance and not sent yet is dropped, not
  // committed after it.
  let generation = 0;
  let failures = 0;
  let joined = false;
  let rejoins = 0;
  const lag = new Map<number, number>();

  /**
   * One kafkajs consumer, from connect to the error that ended it (undefined: stopped). It
   * returns once the batches in hand are stored and their offsets committed: kafkajs drops a
   * commit made after its disconnect began.
   */
  async function session(consumer: Consumer): Promise<unknown> {
    let end: (reason: unknown) => void = () => {};
    const ended = new Promise<unknown>((resolve) => end = resolve);
    const onAbort = () => end(undefined);
    const commits = createOffsetCommitter({
      commit: (offsets) =>
        consumer.commitOffsets(
          offsets.map(({ partition, offset }) => ({ topic, partition, offset })),
        ),
      onCommitted(offsets) {
        for (const { partition, offset, highWatermark } of offsets) {
          lag.set(partition, Math.max(0, Number(BigInt(highWatermark) - BigInt(offset))));
        }
        failures = 0;
      },
      onError: end,
    });
    stopping.signal.addEventListener("abort", onAbort, { once: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      lag.clear();
      generation++;
      commits.drop();
      // A chain that an abandoned batch left false starts again (unless a store failed), so
      // the batches after the join are stored; they still wait for one that is storing.
      storing = storing.then(() => !failed);
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
        eachBatch: (payload) => eachBatch(payload, commits, end),
      });
      log.info(joined ? "consuming again" : "consuming", { topic, groupId });
      joined = true;
    })().catch(end);
    try {
      return await ended;
    } finally {
      stopping.signal.removeEventListener("abort", onAbort);
      await storing;
      await commits.settled();
    }
  }

  async function eachBatch(
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
    commits: OffsetCommitter,
    end: (reason: unknown) => void,
  ): Promise<void> {
    const last = batch.messages.at(-1);
    if (!last || stopping.signal.aborted || failed) return;
    const joinedAs = generation;
    const store = options.accept(batch.messages, {
      topic: batch.topic,
      partition: batch.partition,
      heartbeat,
      shouldStop: () => stopping.signal.aborted || !isRunning() || isStale(),
    });
    const before = storing;
    storing = (async () => {
      if (!await before || failed) return false;
      try {
        await store();
      } catch (error) {
        // Abandoned: the member is stopping or lost the partition. Otherwise the member rejoins
        // (or stops, on what no retry can mend) and reads again from the last commit.
        if (!(error instanceof BatchAbandoned)) {
          failed = true;
          end(error);
        }
        return false;
      }
      // After a rebalance the partition may be another member's: its offset must not go back.
      // The batch comes again to whoever reads it, and storing it again changes nothing.
      if (generation === joinedAs) {
        commits.add({
          partition: batch.partition,
          // kafkajs commits exactly this offset: the next one to read.
          offset: (BigInt(last.offset) + 1n).toString(),
          highWatermark: batch.highWatermark,
        });
      }
      return true;
    })();
    // One batch ahead at most: return (and let kafkajs fetch the next) once the batch before is
    // stored. The fetch position moves past this batch only while nothing has failed.
    if (await before && !failed) resolveOffset(last.offset);
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
      await consumer.disconnect().catch(() => {});
      // The next kafkajs consumer reads from the last commit: nothing failed for it yet.
      [storing, failed] = [Promise.resolve(true), false];
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
    ...stoppable(async () => {
      stopping.abort();
      await done.catch(() => {});
    }),
  };
}
