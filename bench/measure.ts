/** Timing for the benchmark: throughput over repeated timed rounds, rates and ratios. */

/** Operations per second over several timed rounds: the median, and the spread of rounds. */
export interface Throughput {
  /** Median over the rounds, operations per second. */
  opsPerSecond: number;
  /** The slowest round, operations per second. */
  minOpsPerSecond: number;
  /** The fastest round, operations per second. */
  maxOpsPerSecond: number;
  rounds: number;
  opsPerRound: number;
}

/** How {@link measureThroughput} repeats its work. */
export interface ThroughputOptions {
  /**
   * Untimed rounds first for at least this long, so the JIT has compiled the hot path at its
   * top tier; too short a warm-up understates the steady speed by a third.
   */
  warmupMs: number;
  /** Timed rounds. */
  rounds: number;
}

/**
 * Times `round`, which does a fixed amount of work and returns how many operations it did,
 * `rounds` times after untimed runs for `warmupMs`. The median resists a stray GC pause.
 */
export function measureThroughput(round: () => number, options: ThroughputOptions): Throughput {
  const warm = performance.now() + options.warmupMs;
  do round(); while (performance.now() < warm);
  const rates: number[] = [];
  let ops = 0;
  for (let i = 0; i < options.rounds; i++) {
    const start = performance.now();
    ops = round();
    rates.push(perSecond(ops, performance.now() - start));
  }
  return summarized(rates, ops);
}

/**
 * As {@link measureThroughput} for a round that waits (a request and its reply), one round at a
 * time, after `warmupRounds` untimed rounds (connections, metadata, the JIT).
 */
export async function measureThroughputAsync(
  round: () => Promise<number>,
  options: { warmupRounds: number; rounds: number },
): Promise<Throughput> {
  for (let i = 0; i < options.warmupRounds; i++) await round();
  const rates: number[] = [];
  let ops = 0;
  for (let i = 0; i < options.rounds; i++) {
    const start = performance.now();
    ops = await round();
    rates.push(perSecond(ops, performance.now() - start));
  }
  return summarized(rates, ops);
}

/** The median and spread of per-round rates. */
function summarized(rates: number[], opsPerRound: number): Throughput {
  rates.sort((a, b) => a - b);
  return {
    opsPerSecond: Math.round(median(rates)),
    minOpsPerSecond: rates[0],
    maxOpsPerSecond: rates[rates.length - 1],
    rounds: rates.length,
    opsPerRound,
  };
}

/** The middle value of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `count` per second over `ms` milliseconds, to a whole number. */
export function perSecond(count: number, ms: number): number {
  return Math.round(count * 1000 / ms);
}

/** `a / b` to two decimals. */
export function ratio(a: number, b: number): number {
  return Math.round(a / b * 100) / 100;
}

/** A count with thousands separators, for the human-readable lines. */
export function grouped(count: number): string {
  return Math.round(count).toLocaleString("en-US");
}
