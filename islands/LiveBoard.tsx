/**
 * The live part of the page: symbol tabs, the candlestick chart with its VWAP and moving
 * average, volume by taker side, users' price alerts and rules, the pipeline's health, the whale
 * feed and the connection badge, kept current by `/api/stream`.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import SymbolCard from "../components/SymbolCard.tsx";
import ChoiceButtons from "../components/ChoiceButtons.tsx";
import CandleCharts from "../components/CandleCharts.tsx";
import WhaleList from "../components/WhaleList.tsx";
import HealthPanel from "../components/HealthPanel.tsx";
import PriceAlertsPanel from "../components/PriceAlertsPanel.tsx";
import {
  type HealthView,
  PANEL_ALERTS,
  type PriceAlertsView,
  type SymbolSummary,
  type TradeView,
} from "../domain/dashboard_views.ts";
import { trustedLiveEventData } from "../domain/live_event.ts";
import {
  CHART_WINDOW_NAMES,
  type ChartWindow,
  DEFAULT_CHART_WINDOW,
} from "../domain/chart_windows.ts";
import { pricePrecision } from "../ui/format.ts";
import type { CandleSeries } from "../ui/candle_plot.ts";
import { RefreshPacer } from "../ui/refresh_pacer.ts";
import { systemClock } from "../domain/clock.ts";

/** Props serialised by the server: the state at first paint. */
export interface LiveBoardProps {
  symbols: string[];
  summaries: SymbolSummary[];
  whales: TradeView[];
  /** The trades come from the simulator, not Binance. */
  simulated: boolean;
  /** The database did not answer when the page was rendered. */
  databaseDown: boolean;
  /** The pipeline's health at first paint; absent when it could not be read. */
  health?: HealthView;
  /** Users' price rules and newest alerts at first paint; absent when they could not be read. */
  priceAlerts?: PriceAlertsView;
  /** The dashboard has an admin token, so price rules may be changed from the page. */
  rulesWritable: boolean;
}

type Status = "connecting" | "live" | "reconnecting" | "stale";
/** How long a whale or price alert stays highlighted after it arrived. */
const FRESH_MS = 5_000;
/** A symbol whose newest trade is older than this is shown as stale. */
const STALE_MS = 60_000;
/**
 * While updates of the shown symbol arrive, the chart reloads once per this many ms: never more
 * often, and never less (a reload waits only for the one before it).
 */
const CHART_REFRESH_MS = 1_000;

/** Keys shown highlighted for {@link FRESH_MS} from when they are marked: what just arrived. */
function useFresh(): [string[], (keys: string[]) => void] {
  const [fresh, setFresh] = useState<string[]>([]);
  const mark = useCallback((keys: string[]) => {
    setFresh((all) => [...all, ...keys]);
    setTimeout(() => setFresh((all) => all.filter((key) => !keys.includes(key))), FRESH_MS);
  }, []);
  return [fresh, mark];
}

export default function LiveBoard(props: LiveBoardProps) {
  const [symbol, setSymbol] = useState(props.summaries[0]?.symbol ?? props.symbols[0]);
  const [window, setWindow] = useState<ChartWindow>(DEFAULT_CHART_WINDOW);
  const [summaries, setSummaries] = useState(
    () => Object.fromEntries(props.summaries.map((s) => [s.symbol, s])),
  );
  const [whales, setWhales] = useState(props.whales);
  const [health, setHealth] = useState(props.health);
  const [freshWhales, markFreshWhales] = useFresh();
  const [priceAlerts, setPriceAlerts] = useState(props.priceAlerts ?? { rules: [], alerts: [] });
  const [freshAlerts, markFreshAlerts] = useFresh();
  // Alerts already on the page: only others are highlighted when a panel update arrives.
  const seenAlerts = useRef(new Set(props.priceAlerts?.alerts.map((a) => a.id)));
  const [status, setStatus] = useState<Status>("connecting");
  const [series, setSeries] = useState<CandleSeries>(
    { symbol, window, bucketSeconds: 0, points: [] },
  );
  const shownSymbol = useRef(symbol);
  shownSymbol.current = symbol;
  const chartPacer = useRef<RefreshPacer>();
  // The decimals each symbol's prices are shown with; they only grow as more prices are seen.
  const precisions = useRef<Record<string, number>>({});
  const decimalsFor = (of: string, prices: string[]) =>
    precisions.current[of] = Math.max(precisions.current[of] ?? 0, pricePrecision(prices));
  // Re-renders while no event arrives, so a silent feed turns the badge stale.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const clock = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(clock);
  }, []);
  const [databaseDown, setDatabaseDown] = useState(props.databaseDown);
  const databaseDownRef = useRef(databaseDown);
  databaseDownRef.current = databaseDown;

  useEffect(() => {
    const source = new EventSource("/api/stream");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("update", (message) => {
      const summary = trustedLiveEventData("update", message.data);
      setSummaries((all) => ({ ...all, [summary.symbol]: summary }));
      if (summary.symbol === shownSymbol.current) chartPacer.current?.changed();
    });
    source.addEventListener("whale", (message) => {
      const whale = trustedLiveEventData("whale", message.data);
      setWhales((all) => [whale, ...all].slice(0, 50));
      markFreshWhales([`${whale.symbol}:${whale.tradeId}`]);
    });
    const showPriceAlerts = (view: PriceAlertsView) => {
      setPriceAlerts(view);
      const arrived = view.alerts.map((a) => a.id).filter((id) => !seenAlerts.current.has(id));
      if (arrived.length === 0) return;
      arrived.forEach((id) => seenAlerts.current.add(id));
      markFreshAlerts(arrived);
    };
    source.addEventListener("price_alerts", (message) => {
      showPriceAlerts(trustedLiveEventData("price_alerts", (message as MessageEvent).data));
    });
    const reload = async () => {
      try {
        const [aggregates, recent, rules, alerts] = await Promise.all([
          fetchJson("/api/aggregates"),
          fetchJson("/api/whales"),
          fetchJson("/api/price-rules"),
          fetchJson(`/api/price-alerts?limit=${PANEL_ALERTS}`),
        ]);
        setSummaries(
          Object.fromEntries(aggregates.aggregates.map((s: SymbolSummary) => [s.symbol, s])),
        );
        setWhales(recent.whales);
        showPriceAlerts({ rules: rules.rules, alerts: alerts.alerts });
        setDatabaseDown(false);
        chartPacer.current?.changed();
      } catch {
        setDatabaseDown(true);
      }
    };
    source.addEventListener("health", (message) => {
      setHealth(trustedLiveEventData("health", (message as MessageEvent).data));
    });
    source.addEventListener("resync", reload);
    // While the database is away, look again every five seconds.
    const retry = setInterval(() => databaseDownRef.current && reload(), 5_000);
    return () => {
      source.close();
      clearInterval(retry);
    };
  }, []);

  // The chart follows the stream: loaded now, then again after updates of its symbol.
  useEffect(() => {
    const controller = new AbortController();
    const reload = () =>
      fetchJson(`/api/series?symbol=${symbol}&window=${window}`, controller.signal)
        .then((body) => {
          setSeries(body);
          setDatabaseDown(false);
        })
        .catch((error) => {
          if (error.name !== "AbortError") setDatabaseDown(true);
        });
    const pacer = chartPacer.current = new RefreshPacer(reload, CHART_REFRESH_MS, systemClock);
    pacer.changed();
    return () => {
      pacer.stop();
      controller.abort();
    };
  }, [symbol, window]);

  const current = summaries[symbol];
  // The chart may still show the symbol chosen before; its decimals are that symbol's.
  const chartDecimals = decimalsFor(series.symbol, [
    ...(current && series.symbol === symbol ? [current.lastPrice] : []),
    ...series.points.map((point) => point.close),
  ]);
  const currentDecimals = decimalsFor(symbol, current ? [current.lastPrice] : []);
  const stale = status === "live" && current !== undefined &&
    Math.max(now, Date.now()) - new Date(current.lastTradeTime).getTime() > STALE_MS;
  const badge = stale ? "stale" : status;
  return (
    <div class="board">
      <p class="badges">
        <span class={`badge badge-${badge}`} data-status={badge}>{badge}</span>
        {props.simulated && (
          <span class="badge badge-simulated">simulated feed, not live prices</span>
        )}
      </p>
      {databaseDown && (
        <p class="alert" role="alert">
          The database is not answering; the figures below may be old. Retrying…
        </p>
      )}
      <ChoiceButtons name="tabs" options={props.symbols} chosen={symbol} onChoose={setSymbol} />
      {current
        ? <SymbolCard summary={current} priceDecimals={currentDecimals} />
        : <p class="empty">No trades stored yet.</p>}
      <ChoiceButtons
        name="windows"
        options={CHART_WINDOW_NAMES}
        chosen={window}
        onChoose={setWindow}
      />
      <CandleCharts series={series} priceDecimals={chartDecimals} />
      <PriceAlertsPanel
        view={priceAlerts}
        symbols={props.symbols}
        symbol={symbol}
        writable={props.rulesWritable}
        fresh={freshAlerts}
        priceDecimals={decimalsFor}
        onChange={(change) =>
          setPriceAlerts((view) => ({
            ...view,
            rules: "created" in change
              ? [...view.rules.filter((r) => r.id !== change.created.id), change.created]
              : view.rules.filter((r) => r.id !== change.deleted),
          }))}
      />
      {health && <HealthPanel health={health} />}
      <h2>Whale trades</h2>
      <p class="note">Times are UTC.</p>
      <WhaleList
        whales={whales}
        fresh={freshWhales}
        priceDecimals={(of, price) => decimalsFor(of, [price])}
      />
    </div>
  );
}

async function fetchJson(url: string, signal?: AbortSignal) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return await response.json();
}
