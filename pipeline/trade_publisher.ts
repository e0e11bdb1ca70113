/**
 * Publishes to Kafka from a bounded buffer: one batch in flight at a time (the idempotent
 * producer wants that), acks from all in-sync replicas, retried with backoff while Kafka is
 * unavailable. When the buffer is full, new messages are dropped and counted, never blocking
 * the WebSocket reader.
 */
import type { Producer } from "kafkajs";
import type { Logger } from "../runtime/log.ts";
import { backoffDelay, type BackoffOptions } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";

const RETRY_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** One message waiting to be sent. */
export interface OutgoingMessage {
  topic: string;
  key?: string;
  value: string;
}

/** What {@link TradePublisher} needs. */
export interface TradePublisherOptions {
  producer: Producer;
  /** Most messages held; beyond it new ones are dropped and counted. */
  capacity: number;
  /** Most messages sent in one request. */
  batchSize?: number;
  /** Pace of retries after a failed send; default 0.5 s doubling up to 30 s. */
  retryBackoff?: BackoffOptions;
  log: Logger;
}

/** Buffers messages and sends them in order; `close` flushes what it holds. */
export class TradePublisher {
  /** Messages Kafka acknowledged. */
  published = 0;
  /** Messages refused because the buffer was full. */
  dropped = 0;
  /** Failed send attempts. */
  sendErrors = 0;
  readonly #options: TradePublisherOptions;
  #queue: OutgoingMessage[] = [];
  #wake?: () => void;
  #closing = false;
  #abort = new AbortController();
  #loop: Promise<void>;

  constructor(options: TradePublisherOptions) {
    this.#options = options;
    this.#loop = this.#run();
  }

  /** Messages waiting to be sent. */
  get buffered(): number {
    return this.#queue.length;
  }

  /** Queues `message`; returns false (and counts it) when the buffer is full. */
  publish(message: OutgoingMessage): boolean {
    if (this.#closing || this.#queue.length >= this.#options.capacity) {
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 1000 === 0) {
        this.#options.log.error("buffer full: dropping messages", { dropped: this.dropped });
      }
      return false;
    }
    this.#queue.push(message);
    this.#wake?.();
    return true;
  }

  /**
   * Stops taking messages and sends what is buffered, for at most `timeoutMs`; resolves with
   * the number left unsent.
   */
  async close(timeoutMs: number): Promise<number> {
    this.#closing = true;
    this.#wake?.();
    // A send can hang inside kafkajs' own retries: stop waiting at the deadline regardless.
    await Promise.race([this.#loop, sleep(timeoutMs, this.#abort.signal)]);
    this.#abort.abort();
    return this.#queue.length;
  }

  async #run(): Promise<void> {
    const { producer, log, batchSize = 2_000, retryBackoff = RETRY_BACKOFF } = this.#options;
    let failures = 0;
    while (!this.#abort.signal.aborted) {
      if (this.#queue.length === 0) {
        if (this.#closing) return;
        await new Promise<void>((resolve) => this.#wake = resolve);
        this.#wake = undefined;
        continue;
      }
      const batch = this.#queue.slice(0, batchSize);
      try {
        await producer.sendBatch({
          acks: -1,
          topicMessages: byTopic(batch),
        });
        this.#queue.splice(0, batch.length);
        this.published += batch.length;
        failures = 0;
      } catch (error) {
        this.sendErrors++;
        const delay = backoffDelay(failures++, retryBackoff);
        log.warn("kafka send failed; retrying", {
          error,
          buffered: this.#queue.length,
          delayMs: delay,
        });
        await sleep(delay, this.#abort.signal);
      }
    }
  }
}

function byTopic(messages: OutgoingMessage[]) {
  const topics = new Map<string, { key?: string; value: string }[]>();
  for (const { topic, key, value } of messages) {
    let list = topics.get(topic);
    if (!list) topics.set(topic, list = []);
    list.push({ key, value });
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
