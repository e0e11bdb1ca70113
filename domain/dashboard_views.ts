/**
 * The JSON the dashboard serves: what `/api/aggregates`, `/api/trades`, `/api/whales` and
 * `/api/series` and `/api/candles` answer and the live events carry, read by the page's island. Amounts stay the
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

/**
 * One candle of a symbol: prices of its first, highest, lowest and last trade, volumes in the
 * base asset (bought by takers, whose buyer was not the maker, and sold), the quote volume
 * (sum of price × quantity) and `vwap` = quote volume ÷ volume; `movingAverage` is the closing
 * trade's.
 */
export interface Candle {
  /** ISO time the bucket starts. */
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  buyVolume: string;
  sellVolume: string;
  quoteVolume: string;
  trades: number;
  vwap: string;
  movingAverage: string;
}

/** What the database holds on disk, for `/metrics` and the page. */
export interface StorageSummary {
  databaseBytes: number;
  tradesBytes: number;
  candlesBytes: number;
  /** Day partitions of `trades`, including the days created ahead. */
  tradePartitions: number;
  /** ISO time of the oldest trade kept, or null when none is. */
  oldestTradeTime: string | null;
}

/** One alert rule's state for one subject, as the health panel shows it. */
export interface AlertView {
  rule: string;
  subject: string;
  firing: boolean;
  value: number;
  threshold: number;
  /** ISO times. */
  firedAt: string;
  resolvedAt: string | null;
}

/** A component instance's latest report. */
export interface ComponentView {
  component: string;
  instance: string;
  /** ISO time of the report. */
  reportedAt: string;
  state: Record<string, unknown>;
}

/** Trades the producer could not recover. */
export interface GapView {
  symbol: string;
  firstMissingId: string;
  lastMissingId: string;
  foundAt: string;
  reason: string;
}

/** The health panel: what fires or fired lately, who reported, what was lost. */
export interface HealthView {
  /** Firing ones, and those resolved in the last hour, newest change first. */
  alerts: AlertView[];
  components: ComponentView[];
  /** The newest 20 gaps. */
  gaps: GapView[];
  /** Trades lost over all gaps ever recorded. */
  lostTrades: string;
}
