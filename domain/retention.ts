/**
 * Retention: how long trades (and candles) are kept, in whole UTC days. The cutoff is the start
 * of a UTC day, so a day's partition is dropped whole, and a trade older than the cutoff is
 * refused by the consumer: a redelivered trade whose partition is gone could otherwise be
 * stored, and counted, a second time.
 */

/** Days kept, or undefined for forever. */
export type RetentionDays = number | undefined;

const DAY_MS = 86_400_000;

/** Epoch ms before which nothing is kept: the start of today (UTC) minus `days`. */
export function retentionCutoff(nowMs: number, days: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS - days * DAY_MS;
}

/** The UTC dates (`YYYY-MM-DD`) from the day of `nowMs` to `ahead` days after it. */
export function daysAhead(nowMs: number, ahead: number): string[] {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return Array.from(
    { length: ahead + 1 },
    (_, i) => new Date(today + i * DAY_MS).toISOString().slice(0, 10),
  );
}
