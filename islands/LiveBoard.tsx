/**
 * The live page, laid out as a trading screen: a top bar (title, connection badge, theme
 * toggle), the strip of every symbol's last 24 hours, then the chart of the chosen symbol
 * (candles with VWAP and moving average over volume by taker side) filling most of the height,
 * beside a column with the symbol's figures, the whale feed, users' price alerts and rules and
 * the pipeline's health; one column on a narrow screen, the chart first. Kept current by
 * `/api/stream` (through `useLiveEvents`).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import SymbolCard from "../components/SymbolCard.tsx";
import MarketStrip from "../components/MarketStrip.tsx";
import ThemeToggle from "../components/ThemeToggle.tsx";
import ChoiceButtons from "../components/ChoiceButtons.tsx";
import CandleCharts from "../components/CandleCharts.tsx";
import WhaleList from "../components/WhaleList.tsx";
import HealthPanel from "../components/HealthPanel.tsx";
import PriceAlertsPanel from "../components/PriceAlertsPanel.tsx";
import type {
  HealthView,
  MarketTicker,
  PriceAlertsView,
  SymbolSummary,
  TradeView,
} from "../domain/dashboard_views.ts";
import {
  CHART_WINDOW_NAMES,
  type ChartWindow,
  DEFAULT_CHART_WINDOW,
} from "../domain/chart_windows.ts";
import { pricePrecision } from "../ui/format.ts";
import type { CandleSeries } from "../ui/candle_plot.ts";
import { RefreshPacer } from "../ui/refresh_pacer.ts";
import { systemClock } from "../domain/clock.ts";
import { fetchJson, useLiveEvents } from "../ui/use_live_events.ts";
import { shownTheme, type Theme } from "../ui/theme.ts";

/** Props serialised by the server: the state at first paint. */
export interface LiveBoardProps {
  symbols: string[];
  summaries: SymbolSummary[];
  /** The strip's last 24 hours of each symbol that traded in them. */
  tickers: MarketTicker[];
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

/** A symbol whose newest trade is older than this is shown as stale. */
const STALE_MS = 60_000;
/**
 * While updates of the shown symbol arrive, the chart reloads once per this many ms: never more
 * often, and never less (a reload waits only for the one before it).
 */
const CHART_REFRESH_MS = 1_000;

export default function LiveBoard(props: LiveBoardProps) {
  const [symbol, setSymbol] = useState(props.summaries[0]?.symbol ?? props.symbols[0]);
  const [chartWindow, setChartWindow] = useState<ChartWindow>(DEFAULT_CHART_WINDOW);
  const shownSymbol = useRef(symbol);
  shownSymbol.current = symbol;
  const chartPacer = useRef<RefreshPacer>();
  const live = useLiveEvents(props, (updated) => {
    if (updated === undefined || updated === shownSymbol.current) chartPacer.current?.changed();
  });
  const { status, summaries, tickers, whales, health, priceAlerts, databaseDown } = live.state;
  // Light on the server; the one `static/theme.js` put on the page once hydrated.
  const [theme, setTheme] = useState<Theme>("light");
  useEffect(() => setTheme(shownTheme()), []);
  const [series, setSeries] = useState<CandleSeries>(
    { symbol, window: chartWindow, bucketSeconds: 0, points: [] },
  );
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

  // The chart follows the stream: loaded now, then again after updates of its symbol.
  useEffect(() => {
    const controller = new AbortController();
    const reload = () =>
      fetchJson(`/api/series?symbol=${symbol}&window=${chartWindow}`, controller.signal)
        .then((body) => {
          setSeries(body);
          live.setDatabaseDown(false);
        })
        .catch((error) => {
          if (error.name !== "AbortError") live.setDatabaseDown(true);
        });
    const pacer = chartPacer.current = new RefreshPacer(reload, CHART_REFRESH_MS, systemClock);
    pacer.changed();
    return () => {
      pacer.stop();
      controller.abort();
    };
  }, [symbol, chartWindow]);

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
      <header class="topbar">
        <h1>Crypto trades</h1>
        <p class="badges">
          <span class={`badge badge-${badge}`} data-status={badge}>{badge}</span>
          {props.simulated && (
            <span class="badge badge-simulated">simulated feed, not live prices</span>
          )}
        </p>
        <ThemeToggle theme={theme} onChange={setTheme} />
      </header>
      {databaseDown && (
        <p class="alert" role="alert">
          The database is not answering; the figures below may be old. Retrying…
        </p>
      )}
      <MarketStrip
        symbols={props.symbols}
        tickers={tickers}
        summaries={summaries}
        chosen={symbol}
        onChoose={setSymbol}
        priceDecimals={decimalsFor}
      />
      <div class="workspace">
        <section class="chart-column" aria-label={`${symbol} chart`}>
          <ChoiceButtons
            name="windows"
            options={CHART_WINDOW_NAMES}
            chosen={chartWindow}
            onChoose={setChartWindow}
          />
          <CandleCharts series={series} priceDecimals={chartDecimals} theme={theme} />
        </section>
        <aside class="side">
          {current
            ? <SymbolCard summary={current} priceDecimals={currentDecimals} />
            : <p class="empty">No trades stored yet.</p>}
          <section class="whales-box panel">
            <h2>Whale trades</h2>
            <p class="note">Times are UTC.</p>
            <div class="scroll" tabIndex={0} aria-label="Whale trades, newest first">
              <WhaleList
                whales={whales}
                priceDecimals={(of, price) => decimalsFor(of, [price])}
              />
            </div>
          </section>
          <PriceAlertsPanel
            view={priceAlerts}
            symbols={props.symbols}
            symbol={symbol}
            writable={props.rulesWritable}
            priceDecimals={decimalsFor}
            onChange={(change) =>
              live.setPriceAlerts((view) => ({
                ...view,
                rules: "created" in change
                  ? [...view.rules.filter((r) => r.id !== change.created.id), change.created]
                  : view.rules.filter((r) => r.id !== change.deleted),
              }))}
          />
          {health && <HealthPanel health={health} />}
        </aside>
      </div>
    </div>
  );
}
