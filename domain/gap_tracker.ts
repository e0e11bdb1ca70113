/** Spots missing trades: Binance trade ids rise by one per symbol, so a jump is lost data. */

/** Tracks the highest trade id seen per symbol and counts the ids skipped. */
export class GapTracker {
  /** Trade ids skipped so far, over all symbols. */
  missing = 0;
  /** Jumps seen so far, each one or more ids. */
  found = 0;
  readonly #last = new Map<string, number>();
  /** Symbols whose last id came from {@link GapTracker.seed} and no trade has confirmed yet. */
  readonly #seeded = new Set<string>();

  /**
   * Starts `symbol` from `tradeId`, the last one published before a restart, so the first trade
   * after it shows the gap. Should that trade's id be lower, the feed's ids were reset (another
   * feed on the same topic) and it becomes the new start instead.
   */
  seed(symbol: string, tradeId: number): void {
    this.#last.set(symbol, tradeId);
    this.#seeded.add(symbol);
  }

  /**
   * Records trade `tradeId` of `symbol`; returns how many ids were skipped since the highest
   * one seen (0 for the first trade, a duplicate, or a late one).
   */
  observe(symbol: string, tradeId: number): number {
    if (this.#seeded.delete(symbol) && tradeId < this.#last.get(symbol)!) {
      this.#last.set(symbol, tradeId);
      return 0;
    }
    const last = this.#last.get(symbol);
    if (last !== undefined && tradeId <= last) return 0;
    this.#last.set(symbol, tradeId);
    const skipped = last === undefined ? 0 : tradeId - last - 1;
    this.missing += skipped;
    if (skipped > 0) this.found++;
    return skipped;
  }
}
