/** The recent trades of one symbol, kept in a bounded ring for `historicalTrades`. */
import type { SimulatedTrade } from "./trade_generator.ts";

/** A ring of the last `capacity` trades of a symbol, in rising trade-id order. */
export class TradeHistory {
  readonly #ring: SimulatedTrade[] = [];
  readonly #capacity: number;
  #start = 0;

  /** A history that keeps at most `capacity` (≥ 1) trades, forgetting the oldest first. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`historySize must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  /** Keeps `trade`, whose id must be above every id kept so far. */
  add(trade: SimulatedTrade): void {
    if (this.#ring.length < this.#capacity) {
      this.#ring.push(trade);
      return;
    }
    this.#ring[this.#start] = trade;
    this.#start = (this.#start + 1) % this.#capacity;
  }

  /**
   * Up to `limit` trades in id order: from the first kept id at or above `fromId`, or the
   * most recent ones when `fromId` is undefined.
   */
  list(limit: number, fromId?: number): SimulatedTrade[] {
    const size = this.#ring.length;
    const first = fromId === undefined ? Math.max(0, size - limit) : this.#firstAtOrAbove(fromId);
    const trades: SimulatedTrade[] = [];
    for (let i = first; i < size && trades.length < limit; i++) trades.push(this.#at(i));
    return trades;
  }

  #at(index: number): SimulatedTrade {
    return this.#ring[(this.#start + index) % this.#ring.length];
  }

  #firstAtOrAbove(tradeId: number): number {
    let low = 0;
    let high = this.#ring.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#at(middle).tradeId < tradeId) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
