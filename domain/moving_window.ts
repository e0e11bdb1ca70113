/** The moving average of one symbol's last N trade prices, kept exactly. */
import { AMOUNT_SCALE, divideRounded, formatUnits, toAmountUnits } from "./decimal.ts";

/**
 * The last `size` prices of one symbol, in trade-id order, with their exact running sum.
 * Feed it trades in rising trade-id order; the caller drops duplicates and late trades.
 */
export class MovingWindow {
  readonly #prices: bigint[] = [];
  readonly #size: number;
  #start = 0;
  #sum = 0n;
  #lastTradeId = -1;

  /** A window over the last `size` trades (at least 1). */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size ${size} < 1`);
    this.#size = size;
  }

  /** The highest trade id pushed so far, or -1 when empty. */
  get lastTradeId(): number {
    return this.#lastTradeId;
  }

  /** How many prices the window holds now (at most its size). */
  get length(): number {
    return this.#prices.length;
  }

  /**
   * Adds the price of trade `tradeId` (a decimal string with at most 8 decimals) and returns
   * the mean of the window, this trade included, rounded half away from zero to 8 decimals.
   * Throws when `tradeId` is not above the last one, since the mean would then be wrong.
   */
  push(tradeId: number, price: string): string {
    if (tradeId <= this.#lastTradeId) {
      throw new RangeError(`trade ${tradeId} is not after trade ${this.#lastTradeId}`);
    }
    const units = toAmountUnits(price);
    if (units === undefined) throw new RangeError(`price "${price}" is not an 8-decimal number`);
    if (this.#prices.length < this.#size) {
      this.#prices.push(units);
    } else {
      this.#sum -= this.#prices[this.#start];
      this.#prices[this.#start] = units;
      this.#start = (this.#start + 1) % this.#size;
    }
    this.#sum += units;
    this.#lastTradeId = tradeId;
    return this.average();
  }

  /** The mean of the prices held, to 8 decimals; throws when empty. */
  average(): string {
    if (this.#prices.length === 0) throw new RangeError("the window is empty");
    const mean = divideRounded(this.#sum, BigInt(this.#prices.length));
    return formatUnits(mean, AMOUNT_SCALE);
  }
}
