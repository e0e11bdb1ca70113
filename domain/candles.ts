/**
 * Candle intervals: the ones the `candles` table keeps (each cut from the 1-second candles in
 * the consumer's transaction) and how a wider bucket is read from the nearest stored one.
 */

/** The stored intervals by name, in seconds, finest first. */
export const CANDLE_INTERVALS = {
  "1s": 1,
  "1m": 60,
  "5m": 300,
  "1h": 3_600,
  "1d": 86_400,
} as const;

/** One of {@link CANDLE_INTERVALS}. */
export type CandleInterval = keyof typeof CANDLE_INTERVALS;

/** The stored intervals in seconds, finest first: the `interval_seconds` values. */
export const CANDLE_SECONDS: readonly number[] = Object.values(CANDLE_INTERVALS);

/** Most candles one answer holds. */
export const MAX_CANDLES = 5_000;

/**
 * The coarsest stored interval that cuts buckets of `bucketSeconds` exactly, so a bucket is
 * the sum of whole stored candles; throws when `bucketSeconds` is no whole number of seconds.
 */
export function sourceInterval(bucketSeconds: number): number {
  if (!Number.isInteger(bucketSeconds) || bucketSeconds < 1) {
    throw new RangeError(`a bucket is a whole number of seconds, got ${bucketSeconds}`);
  }
  return CANDLE_SECONDS.findLast((seconds) => bucketSeconds % seconds === 0) ?? 1;
}
