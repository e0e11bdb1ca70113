/** Retrying what an outage interrupts, and only that. */
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
  { log, service, signal, backoff = DEFAULT_BACKOFF }: RetryOptions,
): Promise<T | undefined> {
  for (let attempt = 0; !signal?.aborted; attempt++) {
    try {
      return await work();
    } catch (error) {
      const unrecoverable = asUnrecoverable(error, service);
      if (unrecoverable) throw unrecoverable;
      if (signal?.aborted) break;
      const delayMs = backoffDelay(attempt, backoff);
      log.warn(`${what} failed; retrying`, { error, attempt, delayMs });
      await sleep(delayMs, signal);
    }
  }
  return undefined;
}
