/** The options of the simulator, their defaults and their checks. */
import { createLogger, type Logger } from "../runtime/log.ts";

/** How `startSimulator` runs; `deno task sim` sets these from its flags. */
export interface SimulatorOptions {
  /** TCP port, default 9443; 0 picks a free one. */
  port?: number;
  /** Address to listen on, default 127.0.0.1. */
  hostname?: string;
  /** Upper-case symbols to trade, default BTCUSDT and ETHUSDT; streams of others get no data. */
  symbols?: string[];
  /** Trades per second per symbol (replayed frames per second per connection), default 5. */
  rate?: number;
  /**
   * Milliseconds between rounds of generation, default 50: each round sends the trades due
   * since the one before. Binance sends each trade as it happens; a round of 1–5 ms spreads
   * them as it does, so the pipeline sees small batches, as it does live.
   */
  tickMs?: number;
  /**
   * Seed of every random choice. Without one, trade ids start at the current epoch
   * milliseconds, so a restarted simulator does not reuse ids at rates up to 1000/s.
   */
  seed?: number;
  /** Id of every symbol's first trade; by default from the seed (or the clock, see `seed`). */
  firstTradeId?: number;
  /** Probability in [0, 1] that a trade is worth at least 100,000 quote units, default 0.001. */
  whaleProbability?: number;
  /** A file of captured frames, one per line, replayed to each connection instead of trades. */
  replay?: string;
  /** Probability in [0, 1] that a trade frame is followed by an exact copy of a recent one. */
  duplicateProbability?: number;
  /** Probability in [0, 1] that a trade frame is followed by a bad frame. */
  malformedProbability?: number;
  /** Close each connection abruptly once it was sent this many data frames. */
  dropAfter?: number;
  /** Stop generating a symbol's trades after this many. */
  maxTradesPerSymbol?: number;
  /** Trades per symbol kept for `historicalTrades`, default 100,000. */
  historySize?: number;
  /** Start with generation paused until the simulator's `resume`. */
  paused?: boolean;
  /** Keep the record behind the simulator's `sentTrades`, default true; it grows unbounded. */
  trackSentTrades?: boolean;
  /** Seconds a silent client has to answer pings before it is dropped, default 60. */
  idleTimeoutSeconds?: number;
  /** Where connections (at debug level) are logged. */
  logger?: Logger;
}

/** {@link SimulatorOptions} with their defaults filled in. */
export type ResolvedSimulatorOptions =
  & Required<Omit<SimulatorOptions, "firstTradeId" | "whaleProbability" | "replay">>
  & Pick<SimulatorOptions, "firstTradeId" | "whaleProbability" | "replay">;

const SYMBOL = /^[A-Z0-9]{2,20}$/;

/**
 * Fills in the defaults and checks every option; throws a `RangeError` naming the first one
 * out of range. Without a seed, the seed and the first trade id come from the clock.
 */
export function resolveSimulatorOptions(options: SimulatorOptions): ResolvedSimulatorOptions {
  const {
    port = 9443,
    hostname = "127.0.0.1",
    symbols = ["BTCUSDT", "ETHUSDT"],
    rate = 5,
    tickMs = 50,
    seed,
    duplicateProbability = 0,
    malformedProbability = 0,
    dropAfter = Infinity,
    maxTradesPerSymbol = Infinity,
    historySize = 100_000,
    idleTimeoutSeconds = 60,
  } = options;
  check("port", port, isCount(port, 0) && port <= 65_535, "a port number");
  check(
    "symbols",
    symbols,
    symbols.length > 0 && symbols.every((s) => SYMBOL.test(s)),
    "like BTCUSDT",
  );
  check("rate", rate, rate > 0 && rate <= 100_000, "above 0 and at most 100000");
  check("tickMs", tickMs, isCount(tickMs, 1) && tickMs <= 1_000, "an integer from 1 to 1000");
  check("seed", seed, seed === undefined || isCount(seed, 0), "an integer ≥ 0");
  check(
    "duplicateProbability",
    duplicateProbability,
    isProbability(duplicateProbability),
    "0 to 1",
  );
  check(
    "malformedProbability",
    malformedProbability,
    isProbability(malformedProbability),
    "0 to 1",
  );
  check("dropAfter", dropAfter, isLimit(dropAfter, 1), "an integer ≥ 1");
  check("maxTradesPerSymbol", maxTradesPerSymbol, isLimit(maxTradesPerSymbol, 0), "an integer ≥ 0");
  check("historySize", historySize, isCount(historySize, 1), "an integer ≥ 1");
  check("idleTimeoutSeconds", idleTimeoutSeconds, isCount(idleTimeoutSeconds, 0), "an integer ≥ 0");
  return {
    ...options,
    port,
    hostname,
    symbols: [...new Set(symbols)],
    rate,
    tickMs,
    seed: seed ?? Date.now(),
    firstTradeId: options.firstTradeId ?? (seed === undefined ? Date.now() : undefined),
    duplicateProbability,
    malformedProbability,
    dropAfter,
    maxTradesPerSymbol,
    historySize,
    paused: options.paused ?? false,
    trackSentTrades: options.trackSentTrades ?? true,
    idleTimeoutSeconds,
    logger: options.logger ?? createLogger("simulator"),
  };
}

function check(name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`${name} must be ${expected}, got ${JSON.stringify(value)}`);
}

function isProbability(value: number): boolean {
  return value >= 0 && value <= 1;
}

function isCount(value: number, min: number): boolean {
  return Number.isSafeInteger(value) && value >= min;
}

/** A count, or Infinity for no limit. */
function isLimit(value: number, min: number): boolean {
  return value === Infinity || isCount(value, min);
}
