/** Retrying what an outage interrupts, and only that: the one retry loop of the tree. */
import { backoffDelay, type BackoffOptions } from "../domain/backoff.ts";
import type { Logger } from "./log.ts";
import { sleep } from "./sleep.ts";
import { asUnrecoverable } from "./unrecoverable.ts";

/** How {@link retryTransient} retries. */
export interface RetryOptions {
  log: Logger;
  /** Names the service in errors: "kafka" or "database". */
  service: string;
  /** Ends the waiting: `retryTransient` then resolves undefined instead of retrying again. */
  signal?: AbortSignal;
  /** Asked before each attempt and while waiting; true ends the retrying as `signal` does. */
  shouldStop?: () => boolean;
  /** Told of each failure but an unrecoverable one, before the wait (or the end, if stopped). */
  onFailure?: (error: unknown) => void;
  /**
   * Run about every second of a wait (a Kafka heartbeat, so a long outage does not cost the
   * partition); what it throws ends the retrying.
   */
  whileWaiting?: () => Promise<void>;
  /** Pace of retries; default 0.5 s doubling up to 30 s. */
  backoff?: BackoffOptions;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Runs `work` until it succeeds, logging each failure as `<what> failed; retrying`, and
 * resolves with its result, or with undefined once `signal` aborts. An error no retry can mend
 * is thrown at once as an `UnrecoverableError`.
 */
export async function retryTransient<T>(
  what: string,
  work: () => Promise<T>,
  options: RetryOptions,
): Promise<T | undefined> {
  const { log, service, signal, shouldStop, onFailure, backoff = DEFAULT_BACKOFF } = options;
  const stopped = () => signal?.aborted === true || shouldStop?.() === true;
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      return await work();
    } catch (error) {
      const unrecoverable = asUnrecoverable(error, service);
      if (unrecoverable) throw unrecoverable;
      onFailure?.(error);
      if (stopped()) break;
      const delayMs = backoffDelay(attempt, backoff);
      log.warn(`${what} failed; retrying`, { error, attempt, delayMs });
      await wait(delayMs, options, stopped);
    }
  }
  return undefined;
}

/** Waits `delayMs`, running `whileWaiting` each second, until done or stopped. */
async function wait(
  delayMs: number,
  { signal, whileWaiting }: RetryOptions,
  stopped: () => boolean,
): Promise<void> {
  if (!whileWaiting) return await sleep(delayMs, signal);
  for (let waited = 0; waited < delayMs && !stopped(); waited += 1_000) {
    await sleep(Math.min(1_000, delayMs - waited), signal);
    await whileWaiting();
  }
}
