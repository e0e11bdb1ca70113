/**
 * Fetches trades a connection missed from Binance's REST `GET /api/v3/historicalTrades`
 * (no API key needed; weight 25, at most 1000 trades a call), checked like stream frames.
 */
import type { TradeEvent } from "../domain/trade_event.ts";
import { restTradeEvent } from "../domain/binance_trade.ts";

/** Most trades one `historicalTrades` call returns. */
export const HISTORY_PAGE = 1_000;

/** How long one call may take before it is given up. */
const CALL_TIMEOUT_MS = 10_000;

/** A gap could not be filled completely; `recovered` holds what was fetched before. */
export class BackfillError extends Error {
  readonly code = "BACKFILL_FAILED";
  constructor(message: string, readonly recovered: TradeEvent[], options?: ErrorOptions) {
    super(message, options);
    this.name = "BackfillError";
  }
}

/** How {@link fetchMissingTrades} calls the server. */
export interface FetchMissingTradesOptions {
  /** Replaces `fetch`, for tests. */
  fetchImpl?: typeof fetch;
  /** Cancels the fetch (at shutdown); each call also gives up after 10 s. */
  signal?: AbortSignal;
}

/**
 * Fetches trades `fromId` up to, not including, `toId` of `symbol` from `restUrl`, in id order,
 * checked like stream frames. Throws {@link BackfillError}, holding the trades fetched before,
 * on an HTTP error (Binance answers 429 or 418 when rate limits are hit), a bad answer, when
 * the server no longer has them, or when `signal` aborts.
 */
export async function fetchMissingTrades(
  restUrl: string,
  symbol: string,
  fromId: number,
  toId: number,
  { fetchImpl = fetch, signal }: FetchMissingTradesOptions = {},
): Promise<TradeEvent[]> {
  const trades: TradeEvent[] = [];
  let next = fromId;
  while (next < toId) {
    const limit = Math.min(HISTORY_PAGE, toId - next);
    const url = `${restUrl}/api/v3/historicalTrades?symbol=${symbol}&fromId=${next}&limit=${limit}`;
    const timeout = AbortSignal.timeout(CALL_TIMEOUT_MS);
    let page: unknown;
    try {
      const response = await fetchImpl(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
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
    // A server ignoring `limit` must not carry us past `toId`.
    for (const item of page.slice(0, limit)) {
      if (!isObject(item)) {
        throw new BackfillError(
          `historicalTrades ${symbol}: trade ${next} is not an object`,
          trades,
        );
      }
      const trade = restTradeEvent(symbol, item, receivedAt);
      if (!trade.ok) throw new BackfillError(`historicalTrades ${symbol}: ${trade.reason}`, trades);
      const { event } = trade;
      if (event.tradeId !== next) {
        throw new BackfillError(
          `historicalTrades ${symbol}: expected ${next}, got ${event.tradeId}`,
          trades,
        );
      }
      trades.push(event);
      next++;
    }
  }
  return trades;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
