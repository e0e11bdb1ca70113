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

/** Stored candles of one interval whose buckets start in `[from, to)` (epoch ms). */
export interface CandleSpan {
  seconds: number;
  from: number;
  to: number;
}

/**
 * The stored candles that tile `[from, to)` exactly (epoch ms, whole seconds): the coarsest
 * whole buckets inside it, finer ones at its edges, so a range of hours reads a few dozen
 * candles instead of thousands of 1-second ones. Throws on bounds that are not whole seconds.
 */
export function coveringSpans(from: number, to: number): CandleSpan[] {
  if (from % 1_000 !== 0 || to % 1_000 !== 0) {
    throw new RangeError(`a span starts and ends on whole seconds, got ${from}..${to}`);
  }
  const cover = (start: number, end: number, sizes: readonly number[]): CandleSpan[] => {
    if (start >= end) return [];
    const [seconds, ...finer] = sizes;
    if (finer.length === 0) return [{ seconds, from: start, to: end }];
    const ms = seconds * 1_000;
    const inner = [Math.ceil(start / ms) * ms, Math.floor(end / ms) * ms];
    if (inner[0] >= inner[1]) return cover(start, end, finer);
    return [
      ...cover(start, inner[0], finer),
      { seconds, from: inner[0], to: inner[1] },
      ...cover(inner[1], end, finer),
    ];
  };
  return cover(from, to, [...CANDLE_SECONDS].reverse());
}
