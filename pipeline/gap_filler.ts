/**
 * Recovers the trades behind gaps in trade ids over REST, so a reconnect loses nothing, and
 * counts what stays lost.
 */
import type { Logger } from "../runtime/log.ts";
import type { TradeEvent } from "../domain/trade_event.ts";
import { BackfillError, fetchMissingTrades } from "./trade_backfill.ts";
import type { Stoppable } from "../runtime/stoppable.ts";

/** What {@link GapFiller} needs. */
export interface GapFillerOptions {
  restUrl: string;
  /** Receives each recovered trade, in id order per gap. */
  publish: (event: TradeEvent) => void;
  log: Logger;
  /** Largest gap it tries to fill; beyond it the trades are counted as lost (rate limits). */
  maxGap?: number;
  /** Replaces `fetch`, for tests. */
  fetchImpl?: typeof fetch;
  /** Told of ids `firstId` to `lastId` (inclusive) given up, with the reason. */
  onLost?: (symbol: string, firstId: number, lastId: number, reason: string) => void;
}

/** Fills gaps one at a time, in the order they were found. */
export class GapFiller implements Stoppable {
  /** Trades recovered over REST. */
  recovered = 0;
  /** Trades that stayed missing. */
  lost = 0;
  readonly #options: GapFillerOptions;
  readonly #abort = new AbortController();
  #queue: Promise<void> = Promise.resolve();

  constructor(options: GapFillerOptions) {
    this.#options = options;
  }

  /** Queues the recovery of trades `fromId` up to, not including, `toId` of `symbol`. */
  fill(symbol: string, fromId: number, toId: number): void {
    this.#queue = this.#queue.then(() => this.#fill(symbol, fromId, toId));
  }

  /** Resolves when every queued gap has been handled. */
  idle(): Promise<void> {
    return this.#queue;
  }

  /**
   * Cancels the fill in flight and every queued one (also any queued later); what they did not
   * recover counts as lost, what they did is still published. Resolves when the queue is empty.
   */
  stop(): Promise<void> {
    this.#abort.abort();
    return this.#queue;
  }

  /** Stops, as `await using` does at the end of its scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #fill(symbol: string, fromId: number, toId: number): Promise<void> {
    const { restUrl, publish, log, maxGap = 50_000, fetchImpl } = this.#options;
    const signal = this.#abort.signal;
    const missing = toId - fromId;
    const gap = { symbol, fromId, toId, missing };
    const lose = (firstId: number, reason: string) => {
      if (firstId >= toId) return;
      this.lost += toId - firstId;
      this.#options.onLost?.(symbol, firstId, toId - 1, reason);
    };
    if (signal.aborted) {
      lose(fromId, "the producer stopped before recovering it");
      log.warn("gap not recovered: stopping", gap);
      return;
    }
    if (missing > maxGap) {
      lose(fromId, `more than ${maxGap} trades, past what REST is asked for`);
      log.error("gap too large to recover", { ...gap, maxGap });
      return;
    }
    let trades: TradeEvent[];
    try {
      trades = await fetchMissingTrades(restUrl, symbol, fromId, toId, { fetchImpl, signal });
    } catch (error) {
      trades = error instanceof BackfillError ? error.recovered : [];
      const recoveredTo = trades.reduce((high, t) => Math.max(high, t.tradeId), fromId - 1);
      lose(
        recoveredTo + 1,
        signal.aborted ? "the producer stopped while recovering it" : String(error),
      );
      const fields = { ...gap, recovered: trades.length, error };
      if (signal.aborted) log.warn("gap recovery cut short: stopping", fields);
      else log.error("gap only partly recovered", fields);
    }
    trades.forEach(publish);
    this.recovered += trades.length;
    if (trades.length === missing) log.info("gap recovered", gap);
  }
}
