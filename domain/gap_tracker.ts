/** Spots missing trades: Binance trade ids rise by one per symbol, so a jump is lost data. */

/** Tracks the highest trade id seen per symbol and counts the ids skipped. */
export class GapTracker {
  /** Trade ids skipped so far, over all symbols. */
  missing = 0;
  readonly #last = new Map<string, number>();

  /**
   * Records trade `tradeId` of `symbol`; returns how many ids were skipped since the highest
   * one seen (0 for the first trade, a duplicate, or a late one).
   */
  observe(symbol: string, tradeId: number): number {
    const last = this.#last.get(symbol);
    if (last !== undefined && tradeId <= last) return 0;
    this.#last.set(symbol, tradeId);
    const skipped = last === undefined ? 0 : tradeId - last - 1;
    this.missing += skipped;
    return skipped;
  }
}
