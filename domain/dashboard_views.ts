/**
 * The JSON the dashboard serves: what `/api/aggregates`, `/api/trades`, `/api/whales` and
 * `/api/series` answer and the live events carry, read by the page's island. Amounts stay the
 * decimal strings PostgreSQL stores; ids and counts are strings too (they exceed 2^53).
 */

/** One symbol's current state, as the page's first paint shows it. */
export interface SymbolSummary {
  symbol: string;
  lastPrice: string;
  lastTradeId: string;
  /** ISO time of the newest trade. */
  lastTradeTime: string;
  movingAverage: string;
  tradeCount: string;
  totalVolume: string;
  whaleCount: string;
}

/** One stored trade as the JSON API returns it. */
export interface TradeView {
  symbol: string;
  tradeId: string;
  price: string;
  quantity: string;
  tradeValue: string;
  tradeTime: string;
  isBuyerMaker: boolean;
  movingAverage: string;
  isWhale: boolean;
}

/** One time bucket of a symbol's chart: closing price and average, volume by taker side. */
export interface SeriesPoint {
  /** ISO time the bucket starts. */
  time: string;
  close: string;
  movingAverage: string;
  /** Base quantity bought by takers (the buyer was not the maker). */
  buyVolume: string;
  sellVolume: string;
  trades: number;
}
