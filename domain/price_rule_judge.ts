/**
 * How a price rule judges one completed 1-second candle, given what it remembers from the
 * candles before: whether it fires, and what it remembers next. Exact: prices are compared as
 * decimal units, never floats. A rule fires at most once per candle, so a price hovering at a
 * level fires at most once a second, and no more often than its frequency lets it.
 */
import { divideRounded, formatUnits, toAmountUnits, toUnits } from "./decimal.ts";
import type { FrequencyFields, PriceDirection } from "./price_rule.ts";

/** A completed 1-second candle of a symbol; prices are decimal strings. */
export interface SecondCandle {
  /** Epoch ms the second starts. */
  bucket: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** The id of the candle's last trade. */
  closeTradeId: string;
}

/** Which side of a level a price is on: 1 at or above it, -1 below. */
export type Side = 1 | -1;

/** Why a rule fired: the way the price went, what it reached, and against what. */
export interface PriceMove {
  direction: "up" | "down";
  /** The candle's high going up, its low going down. */
  price: string;
  /** The level crossed, or the window's low (up) or high (down) the move is measured from. */
  reference: string;
  /** The move in percent of `reference`, to 2 decimals (moves rules only). */
  changePercent?: string;
}

/**
 * A `crosses` rule on `candle`: it fires when the price reaches `level` from the side it was
 * on (`side`, or the candle's open for a rule that has seen no price): up when it goes from
 * below to at or above, down when it goes from at or above to below. Within one candle the
 * order of high and low is unknown, so a candle that leaves a side and closes back on it counts
 * as crossing both ways, and the rule fires once, for the first way (or the one it watches).
 * The side afterwards is the close's.
 */
export function judgeCrossing(
  side: Side | undefined,
  candle: SecondCandle,
  level: string,
  direction: PriceDirection,
): { side: Side; fired?: PriceMove } {
  const at = amount(level);
  const [open, high, low, close] = [candle.open, candle.high, candle.low, candle.close].map(amount);
  const before = side ?? sideOf(open, at);
  const after = sideOf(close, at);
  const up = (before === -1 && high >= at) || (before === 1 && low < at && after === 1);
  const down = (before === 1 && low < at) || (before === -1 && high >= at && after === -1);
  // A rule for either way watches the way that leaves the side the price was on.
  const watched = direction === "any" ? (before === -1 ? "up" : "down") : direction;
  const way = (watched === "up" ? up : down) ? watched : undefined;
  if (!way) return { side: after };
  return {
    side: after,
    fired: { direction: way, price: way === "up" ? candle.high : candle.low, reference: level },
  };
}

/** The lowest low and highest high of a symbol's candles over a rule's window. */
export interface WindowRange {
  low: string;
  high: string;
}

/**
 * A `moves` rule on `candle`, whose window (the `window_seconds` ending with this candle, the
 * candle included) ranged over `range`: it moved up by (high − window low) ÷ window low, down
 * by (window high − low) ÷ window high. An armed rule fires when a watched move reaches
 * `percent` (the larger one, watching both) and is disarmed; it is armed again at the first
 * candle where no watched move reaches it, so one move fires once.
 */
export function judgeMove(
  armed: boolean,
  candle: SecondCandle,
  range: WindowRange,
  percent: string,
  direction: PriceDirection,
): { armed: boolean; fired?: PriceMove } {
  const threshold = toUnits(percent, 4);
  if (threshold === undefined) throw new RangeError(`percent "${percent}" is not a decimal`);
  const [high, low, windowLow, windowHigh] = [candle.high, candle.low, range.low, range.high]
    .map(amount);
  // 100 × 10^4: percent is held in units of 10^-4.
  const reaches = (rise: bigint, base: bigint) => rise * 1_000_000n >= threshold * base;
  const rises = direction !== "down" && reaches(high - windowLow, windowLow);
  const falls = direction !== "up" && reaches(windowHigh - low, windowHigh);
  if (!rises && !falls) return { armed: true };
  if (!armed) return { armed: false };
  // Watching both ways and both reached: the larger move, in proportion.
  const up = rises && (!falls || (high - windowLow) * windowHigh >= (windowHigh - low) * windowLow);
  const fired: PriceMove = up
    ? { direction: "up", price: candle.high, reference: range.low }
    : { direction: "down", price: candle.low, reference: range.high };
  const [move, base] = up ? [high - windowLow, windowLow] : [windowHigh - low, windowHigh];
  fired.changePercent = formatUnits(divideRounded(move * 10_000n, base), 2);
  return { armed: false, fired };
}

/**
 * Whether a rule that crossed or moved on the candle starting at `bucket` fires: an `every` or
 * `once` rule does (a `once` rule is judged no more after its first alert); an `interval` rule
 * only when its previous alert (`lastFired`, epoch ms of its candle, null before the first) is
 * at least its interval earlier. A move held back so still counts as made: a `moves` rule is
 * disarmed by it all the same, so one move never fires late.
 */
export function mayFire(
  rule: FrequencyFields,
  lastFired: number | null,
  bucket: number,
): boolean {
  if (rule.frequency !== "interval" || lastFired === null) return true;
  return bucket - lastFired >= rule.frequencySeconds! * 1_000;
}

function sideOf(price: bigint, level: bigint): Side {
  return price >= level ? 1 : -1;
}

function amount(text: string): bigint {
  const units = toAmountUnits(text);
  if (units === undefined) throw new RangeError(`"${text}" is not an 8-decimal amount`);
  return units;
}
