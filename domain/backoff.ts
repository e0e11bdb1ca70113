/** Exponential backoff with jitter, for reconnects and retries. */

/** Bounds of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry, in milliseconds. */
  baseMs: number;
  /** Largest delay ever returned, in milliseconds. */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (0 for the first): with ceiling
 * c = min(maxMs, baseMs × 2^attempt), a random point in [c/2, c]. The jitter keeps clients
 * from retrying in step; the floor keeps a flapping link from hammering (Binance allows 300
 * connection attempts per 5 minutes).
 * `random` returns a number in [0, 1); inject one in tests.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}
