/**
 * Realistic trades for one symbol, generated from an injected random source: a mean-reverting
 * random walk on the price tick, heavy-tailed sizes on the lot step, occasional whales,
 * consecutive ids and trade times that never go back.
 */
import { AMOUNT_SCALE, divideRounded, formatUnits } from "../domain/decimal.ts";
import { normalSample, type Random } from "./seeded_random.ts";
import { symbolSpec } from "./symbol_spec.ts";

/** One generated trade, amounts as decimal strings with 8 decimals like Binance sends them. */
export interface SimulatedTrade {
  symbol: string;
  tradeId: number;
  price: string;
  qty: string;
  /** price × qty, rounded to 8 decimals. */
  quoteQty: string;
  /** Epoch milliseconds. */
  tradeTime: number;
  /** Epoch milliseconds, at or a little after the trade time. */
  eventTime: number;
  isBuyerMaker: boolean;
}

/** Smallest value of a whale trade, in the quote currency (the pipeline's default threshold). */
export const WHALE_MIN_VALUE = 100_000;

/** Share of trades that are whales unless told otherwise. */
export const DEFAULT_WHALE_PROBABILITY = 0.001;

/** How a {@link createTradeGenerator} generator behaves. */
export interface TradeGeneratorOptions {
  /** Upper case, like BTCUSDT; unknown symbols get a price derived from the name. */
  symbol: string;
  /** The only source of randomness, so a seeded one makes the trades repeat exactly. */
  random: Random;
  /** Id of the first trade; drawn from `random` when absent. */
  firstTradeId?: number;
  /** Probability in [0, 1] that a trade is worth at least {@link WHALE_MIN_VALUE}. */
  whaleProbability?: number;
}

/** Makes the trades of one symbol. */
export interface TradeGenerator {
  readonly symbol: string;
  /** The next trade, happening at `now` (epoch ms) or at the previous trade time if later. */
  next(now: number): SimulatedTrade;
}

const SCALE = 10n ** BigInt(AMOUNT_SCALE);
const WHALE_MIN_VALUE_UNITS = BigInt(WHALE_MIN_VALUE) * SCALE * SCALE;
// Most trades are small: the median is worth about 150, and one in thousands passes 10,000.
const MEDIAN_VALUE = 150;
const VALUE_SIGMA = 1.5;
// Ordinary trades stay clear of the whale threshold so whales come only from their probability.
const ORDINARY_VALUE_CAP = WHALE_MIN_VALUE / 2;
const WHALE_PARETO_ALPHA = 1.5;
const WHALE_VALUE_CAP = 20 * WHALE_MIN_VALUE;
// Per trade: the price moves in about half the trades, by a few basis points at most.
const MOVE_PROBABILITY = 0.5;
const VOLATILITY = 0.00004;
const REVERSION = 0.001;
const FIRST_ID_MIN = 100_000_000;
const FIRST_ID_SPAN = 4_000_000_000;

/**
 * A generator for `options.symbol`. Throws a `RangeError` naming the option when
 * `whaleProbability` is outside [0, 1] or `firstTradeId` is not a non-negative safe integer.
 */
export function createTradeGenerator(options: TradeGeneratorOptions): TradeGenerator {
  const { symbol, random, whaleProbability = DEFAULT_WHALE_PROBABILITY } = options;
  if (!(whaleProbability >= 0 && whaleProbability <= 1)) {
    throw new RangeError(`whaleProbability must be from 0 to 1, got ${whaleProbability}`);
  }
  const firstTradeId = options.firstTradeId ?? FIRST_ID_MIN + Math.floor(random() * FIRST_ID_SPAN);
  if (!Number.isSafeInteger(firstTradeId) || firstTradeId < 0) {
    throw new RangeError(`firstTradeId must be a non-negative integer, got ${firstTradeId}`);
  }
  const { tickUnits, stepUnits, basePriceUnits } = symbolSpec(symbol);
  const baseTicks = Number(basePriceUnits / tickUnits);
  let ticks = baseTicks;
  let tradeId = firstTradeId;
  let lastTradeTime = 0;

  const moveTicks = () => {
    if (random() >= MOVE_PROBABILITY) return 0;
    const move = Math.round(normalSample(random) * VOLATILITY * ticks);
    const pull = Math.round((baseTicks - ticks) * REVERSION);
    return move + pull || (random() < 0.5 ? -1 : 1);
  };

  const quoteValue = () => {
    if (random() < whaleProbability) {
      const pareto = (1 - random()) ** (-1 / WHALE_PARETO_ALPHA);
      return Math.min(WHALE_VALUE_CAP, WHALE_MIN_VALUE * pareto);
    }
    const value = MEDIAN_VALUE * Math.exp(VALUE_SIGMA * normalSample(random));
    return Math.min(ORDINARY_VALUE_CAP, value);
  };

  return {
    symbol,
    next(now: number): SimulatedTrade {
      ticks = Math.max(1, ticks + moveTicks());
      const priceUnits = BigInt(ticks) * tickUnits;
      const value = quoteValue();
      let steps = BigInt(Math.max(1, Math.ceil(value / (Number(priceUnits * stepUnits) / 1e16))));
      if (value >= WHALE_MIN_VALUE) {
        // Float rounding must not leave a whale a hair under the threshold.
        const lotUnits = priceUnits * stepUnits;
        const minSteps = (WHALE_MIN_VALUE_UNITS + lotUnits - 1n) / lotUnits;
        if (steps < minSteps) steps = minSteps;
      }
      const qtyUnits = steps * stepUnits;
      const isBuyerMaker = random() < 0.5;
      lastTradeTime = Math.max(lastTradeTime, Math.floor(now));
      return {
        symbol,
        tradeId: tradeId++,
        price: formatUnits(priceUnits, AMOUNT_SCALE),
        qty: formatUnits(qtyUnits, AMOUNT_SCALE),
        quoteQty: formatUnits(divideRounded(priceUnits * qtyUnits, SCALE), AMOUNT_SCALE),
        tradeTime: lastTradeTime,
        eventTime: lastTradeTime + Math.floor(random() * 3),
        isBuyerMaker,
      };
    },
  };
}
