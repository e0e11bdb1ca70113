/**
 * The page kept current by `/api/stream`: symbol figures (and the strip's 24-hour tickers they
 * move), whales, the pipeline's health and users' price alerts as events arrive, a reload of
 * them all on `resync` (events may have been missed), the tickers again every minute (their
 * window slides), and, while the database is away, a reload every five seconds until it answers.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import {
  type HealthView,
  type MarketTicker,
  PANEL_ALERTS,
  type PriceAlertsView,
  type SymbolSummary,
  type TradeView,
} from "../domain/dashboard_views.ts";
import { trustedLiveEventData } from "../domain/live_event.ts";
import { withLastPrice } from "../domain/market_ticker.ts";

/** The tickers' window slides; they are read again this often (ms). */
const TICKERS_REFRESH_MS = 60_000;

/** The stream's state, as the badge shows it. */
export type StreamStatus = "connecting" | "live" | "reconnecting";

/** What the page shows live. */
export interface LiveState {
  status: StreamStatus;
  summaries: Record<string, SymbolSummary>;
  /** The last 24 hours of each symbol that traded in them. */
  tickers: Record<string, MarketTicker>;
  /** Newest first, at most 50. */
  whales: TradeView[];
  health?: HealthView;
  priceAlerts: PriceAlertsView;
  /** The database did not answer the last reload. */
  databaseDown: boolean;
}

/** What the page had at first paint. */
export interface LiveStart {
  summaries: SymbolSummary[];
  tickers: MarketTicker[];
  whales: TradeView[];
  health?: HealthView;
  priceAlerts?: PriceAlertsView;
  databaseDown: boolean;
}

/** The live state, and what the page itself may change of it. */
export interface LiveEvents {
  state: LiveState;
  /** Applies a change the API confirmed before the stream brings it. */
  setPriceAlerts: (update: (view: PriceAlertsView) => PriceAlertsView) => void;
  /** Records whether the database answered a request of the page's own. */
  setDatabaseDown: (down: boolean) => void;
}

/**
 * Follows the stream from `start`; `onFiguresChanged` is told the symbol an update was for,
 * or undefined after a reload of every symbol.
 */
export function useLiveEvents(
  start: LiveStart,
  onFiguresChanged: (symbol?: string) => void,
): LiveEvents {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [summaries, setSummaries] = useState(() => bySymbol(start.summaries));
  const [tickers, setTickers] = useState(() => bySymbol(start.tickers));
  const [whales, setWhales] = useState(start.whales);
  const [health, setHealth] = useState(start.health);
  const [priceAlerts, setPriceAlerts] = useState(start.priceAlerts ?? { rules: [], alerts: [] });
  const [databaseDown, setDatabaseDown] = useState(start.databaseDown);
  const databaseDownRef = useRef(databaseDown);
  databaseDownRef.current = databaseDown;
  const changed = useRef(onFiguresChanged);
  changed.current = onFiguresChanged;

  useEffect(() => {
    const source = new EventSource("/api/stream");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("update", (message) => {
      const summary = trustedLiveEventData("update", message.data);
      setSummaries((all) => ({ ...all, [summary.symbol]: summary }));
      setTickers((all) => {
        const ticker = all[summary.symbol];
        return ticker ? { ...all, [ticker.symbol]: withLastPrice(ticker, summary.lastPrice) } : all;
      });
      changed.current(summary.symbol);
    });
    source.addEventListener("whale", (message) => {
      const whale = trustedLiveEventData("whale", message.data);
      setWhales((all) => [whale, ...all].slice(0, 50));
    });
    source.addEventListener("price_alerts", (message) => {
      setPriceAlerts(trustedLiveEventData("price_alerts", (message as MessageEvent).data));
    });
    source.addEventListener("health", (message) => {
      setHealth(trustedLiveEventData("health", (message as MessageEvent).data));
    });
    const reload = async () => {
      try {
        const [aggregates, day, recent, rules, alerts] = await Promise.all([
          fetchJson("/api/aggregates"),
          fetchJson("/api/tickers"),
          fetchJson("/api/whales"),
          fetchJson("/api/price-rules"),
          fetchJson(`/api/price-alerts?limit=${PANEL_ALERTS}`),
        ]);
        setSummaries(bySymbol<SymbolSummary>(aggregates.aggregates));
        setTickers(bySymbol<MarketTicker>(day.tickers));
        setWhales(recent.whales);
        setPriceAlerts({ rules: rules.rules, alerts: alerts.alerts });
        setDatabaseDown(false);
        changed.current();
      } catch {
        setDatabaseDown(true);
      }
    };
    source.addEventListener("resync", reload);
    const retry = setInterval(() => databaseDownRef.current && reload(), 5_000);
    // A failed reading keeps the tickers it had; the next one, or a resync, mends them.
    const slide = setInterval(
      () =>
        fetchJson("/api/tickers").then(
          (day) => setTickers(bySymbol<MarketTicker>(day.tickers)),
          () => {},
        ),
      TICKERS_REFRESH_MS,
    );
    return () => {
      source.close();
      clearInterval(retry);
      clearInterval(slide);
    };
  }, []);

  return {
    state: { status, summaries, tickers, whales, health, priceAlerts, databaseDown },
    setPriceAlerts,
    setDatabaseDown,
  };
}

/** `items` keyed by their symbol. */
function bySymbol<T extends { symbol: string }>(items: T[]): Record<string, T> {
  return Object.fromEntries(items.map((item) => [item.symbol, item]));
}

/** The JSON of `url`; throws on a failed request. */
export async function fetchJson(url: string, signal?: AbortSignal) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return await response.json();
}
