/**
 * Recovers trades a connection missed from Binance's REST `GET /api/v3/historicalTrades`
 * (no API key needed; weight 25, at most 1000 trades a call), so a reconnect loses nothing.
 */
import type { Logger } from "./log.ts";
import { TRADE_EVENT_VERSION, type TradeEvent, tradeProblem } from "./trade_event.ts";

/** Most trades one `historicalTrades` call returns. */
export const HISTORY_PAGE = 1_000;

/** A gap could not be filled completely; `recovered` holds what was fetched before. */
export class BackfillError extends Error {
  readonly code = "BACKFILL_FAILED";
  constructor(message: string, readonly recovered: TradeEvent[], options?: ErrorOptions) {
    super(message, options);
    this.name = "BackfillError";
  }
}

/**
 * Fetches trades `fromId` up to, not including, `toId` of `symbol` from `restUrl`, in id order,
 * checked like stream frames. Throws {@link BackfillError} on an HTTP error (Binance answers
 * 429 or 418 when rate limits are hit), a bad answer, or when the server no longer has them.
 */
export async function fetchMissingTrades(
  restUrl: string,
  symbol: string,
  fromId: number,
  toId: number,
  fetchImpl: typeof fetch = fetch,
): Promise<TradeEvent[]> {
  const trades: TradeEvent[] = [];
  let next = fromId;
  while (next < toId) {
    const limit = Math.min(HISTORY_PAGE, toId - next);
    const url = `${restUrl}/api/v3/historicalTrades?symbol=${symbol}&fromId=${next}&limit=${limit}`;
    let page: unknown;
    try {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
      }
      page = await response.json();
    } catch (error) {
      throw new BackfillError(`historicalTrades ${symbol} from ${next}: ${error}`, trades, {
        cause: error,
      });
    }
    if (!Array.isArray(page) || page.length === 0) {
      throw new BackfillError(`historicalTrades ${symbol} has nothing from ${next}`, trades);
    }
    const receivedAt = Date.now();
    for (const item of page) {
      const event = restTradeEvent(symbol, item, receivedAt);
      const problem = tradeProblem(event as unknown as Record<string, unknown>);
      if (problem) throw new BackfillError(`historicalTrades ${symbol}: ${problem}`, trades);
      if (event.tradeId !== next) {
        throw new BackfillError(
          `historicalTrades ${symbol}: expected ${next}, got ${event.tradeId}`,
          trades,
        );
      }
      if (event.tradeId >= toId) break;
      trades.push(event);
      next++;
    }
  }
  return trades;
}

function restTradeEvent(
  symbol: string,
  item: Record<string, unknown>,
  receivedAt: number,
): TradeEvent {
  return {
    v: TRADE_EVENT_VERSION,
    symbol,
    tradeId: item.id as number,
    price: item.price as string,
    quantity: item.qty as string,
    tradeTime: item.time as number,
    // The REST answer has no event time; the trade time is the closest truth.
    eventTime: item.time as number,
    isBuyerMaker: item.isBuyerMaker as boolean,
    receivedAt,
  };
}

/** What {@link GapFiller} needs. */
export interface GapFillerOptions {
  restUrl: string;
  /** Receives each recovered trade, in id order per gap. */
  publish: (event: TradeEvent) => void;
  log: Logger;
  /** Largest gap it tries to fill; beyond it the trades are counted as lost (rate limits). */
  maxGap?: number;
}

/** Fills gaps one at a time, in the order they were found. */
export class GapFiller {
  /** Trades recovered over REST. */
  recovered = 0;
  /** Trades that stayed missing. */
  lost = 0;
  readonly #options: GapFillerOptions;
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

  async #fill(symbol: string, fromId: number, toId: number): Promise<void> {
    const { restUrl, publish, log, maxGap = 50_000 } = this.#options;
    const missing = toId - fromId;
    if (missing > maxGap) {
      this.lost += missing;
      log.error("gap too large to recover", { symbol, fromId, toId, missing, maxGap });
      return;
    }
    let trades: TradeEvent[];
    try {
      trades = await fetchMissingTrades(restUrl, symbol, fromId, toId);
    } catch (error) {
      trades = error instanceof BackfillError ? error.recovered : [];
      this.lost += missing - trades.length;
      log.error("gap only partly recovered", {
        symbol,
        fromId,
        toId,
        recovered: trades.length,
        error,
      });
    }
    trades.forEach(publish);
    this.recovered += trades.length;
    if (trades.length === missing) log.info("gap recovered", { symbol, fromId, toId, missing });
  }
}
