/**
 * The JSON the dashboard serves: what `/api/aggregates`, `/api/trades`, `/api/whales`,
 * `/api/series`, `/api/candles`, `/api/tickers`, `/api/price-rules` and `/api/price-alerts` answer and the live
 * events carry, read by the page's island. Amounts stay the decimal strings PostgreSQL stores;
 * ids and counts are strings too (they exceed 2^53).
 */
import type { PriceRule, PriceRuleKind } from "./price_rule.ts";
import type { ComponentState } from "./status_event.ts";

/** Most rows one list answer (`limit`) holds. */
export const MAX_LIMIT = 1_000;

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

/**
 * A symbol's last 24 hours, as `/api/tickers` answers and the symbol strip shows them, read from
 * its 1-minute candles.
 */
export interface MarketTicker {
  symbol: string;
  /** ISO start of the window: 24 hours before the answer. */
  since: string;
  /** The price of the window's first trade. */
  open: string;
  high: string;
  low: string;
  /** The price of the newest trade. */
  lastPrice: string;
  /** From `open` to `lastPrice` in percent, 2 decimals, signed (see `changePercent`). */
  changePercent: string;
  /** The last close of each half hour, oldest first, as numbers for a sparkline. */
  sparkline: number[];
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
export type ComponentView = ComponentState & {
  instance: string;
  /** ISO time of the report. */
  reportedAt: string;
};

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

/** A user's price rule as `/api/price-rules` returns it. */
export interface PriceRuleView extends PriceRule {
  /** ISO times. */
  createdAt: string;
  lastFiredAt: string | null;
  firedCount: number;
}

/**
 * An alert a price rule fired, on the completed 1-second candle starting at `time`: `price`
 * is what reached the level or made the move (the candle's high going up, its low going down),
 * `close` the candle's close, `reference` the level or the window's low (up) or high (down).
 */
export interface PriceAlertView {
  id: string;
  ruleId: string;
  symbol: string;
  kind: PriceRuleKind;
  direction: "up" | "down";
  /** The rule as it was set. */
  level: string | null;
  percent: string | null;
  windowSeconds: number | null;
  /** ISO time the candle starts. */
  time: string;
  price: string;
  close: string;
  reference: string;
  /** `moves` only: the move, in percent of `reference`, to 2 decimals. */
  changePercent: string | null;
  /** The candle's last trade. */
  closeTradeId: string;
  /** ISO time the consumer stored it. */
  firedAt: string;
}

/** Alerts the page's price alert panel shows. */
export const PANEL_ALERTS = 20;

/** The page's price alert panel: the rules set and the newest alerts. */
export interface PriceAlertsView {
  rules: PriceRuleView[];
  /** The newest {@link PANEL_ALERTS}, newest first. */
  alerts: PriceAlertView[];
}
