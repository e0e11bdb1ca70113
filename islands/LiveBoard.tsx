/**
 * The live page, laid out as a trading screen: a top bar (title, connection badge, theme
 * toggle), the strip of every symbol's last 24 hours, then the chart of the chosen symbol
 * (candles with VWAP and moving average over volume by taker side) filling most of the height,
 * beside a column with the symbol's figures, the whale feed, users' price alerts and rules and
 * the pipeline's health; one column on a narrow screen, the chart first. Kept current by
 * `/api/stream` (through `useLiveEvents`).
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import SymbolCard from "../components/SymbolCard.tsx";
import MarketStrip from "../components/MarketStrip.tsx";
import ThemeToggle from "../components/ThemeToggle.tsx";
import ChoiceButtons from "../components/ChoiceButtons.tsx";
import TradingChart from "../components/TradingChart.tsx";
import IndicatorMenu from "../components/IndicatorMenu.tsx";
import WhaleList from "../components/WhaleList.tsx";
import HealthPanel from "../components/HealthPanel.tsx";
import PriceAlertsPanel from "../components/PriceAlertsPanel.tsx";
import type {
  Candle,
  HealthView,
  MarketTicker,
  PriceAlertsView,
  SymbolSummary,
  TradeView,
} from "../domain/dashboard_views.ts";
import { CHART_INTERVALS, type Linked, movedView, withInterval } from "../ui/chart_view.ts";
import { useCandles } from "../ui/use_candles.ts";
import { holds } from "../ui/candle_book.ts";
import { useIndicators } from "../ui/use_indicators.ts";
import { useChartMarks } from "../ui/use_chart_marks.ts";
import { describeRule } from "../ui/price_rule_text.ts";
import { pricePrecision } from "../ui/format.ts";
import { RefreshPacer } from "../ui/refresh_pacer.ts";
import { systemClock } from "../domain/clock.ts";
import { useLiveEvents } from "../ui/use_live_events.ts";
import { useLinkedView } from "../ui/use_linked_view.ts";

/** Props serialised by the server: the state at first paint. */
export interface LiveBoardProps {
  symbols: string[];
  summaries: SymbolSummary[];
  /** The strip's last 24 hours of each symbol that traded in them. */
  tickers: MarketTicker[];
  whales: TradeView[];
  /** The trades come from the simulator, not Binance. */
  simulated: boolean;
  /** What the chart shows first, and the theme, as the page's address asked. */
  link: Linked;
  /** The database did not answer when the page was rendered. */
  databaseDown: boolean;
  /** The pipeline's health at first paint; absent when it could not be read. */
  health?: HealthView;
  /** Users' price rules and newest alerts at first paint; absent when they could not be read. */
  priceAlerts?: PriceAlertsView;
  /** The dashboard has an admin token, so price rules may be changed from the page. */
  rulesWritable: boolean;
}

/** The chart's candles while none of the view's are held: one list, so the chart stays still. */
const NO_CANDLES: Candle[] = [];

/** A symbol whose newest trade is older than this is shown as stale. */
const STALE_MS = 60_000;
/**
 * While updates of the shown symbol arrive, the chart reloads once per this many ms: never more
 * often, and never less (a reload waits only for the one before it).
 */
const CHART_REFRESH_MS = 1_000;

export default function LiveBoard(props: LiveBoardProps) {
  const { view, setView, theme, toggleTheme } = useLinkedView(props.link, props.symbols);
  const { symbol } = view;
  const shownSymbol = useRef(symbol);
  shownSymbol.current = symbol;
  const chartPacer = useRef<RefreshPacer>();
  const live = useLiveEvents(props, (updated) => {
    if (updated === undefined || updated === shownSymbol.current) chartPacer.current?.changed();
  });
  const { status, summaries, tickers, whales, health, priceAlerts, databaseDown } = live.state;
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

  // The chart reads what its view lacks, and follows the stream: after updates of its symbol
  // the newest candles are read again, at most once a second.
  const candles = useCandles(view, (answered) => live.setDatabaseDown(!answered));
  const { book, shown } = candles;
  const indicators = useIndicators(view, shown);
  const [showWhales, setShowWhales] = useState(true);
  const marks = useChartMarks(symbol, shown, view.range === "live", showWhales, {
    whales,
    alerts: priceAlerts.alerts,
  });
  useEffect(() => {
    const pacer = chartPacer.current = new RefreshPacer(
      candles.refresh,
      CHART_REFRESH_MS,
      systemClock,
    );
    return () => pacer.stop();
  }, []);

  const backToLive = () => setView((view) => ({ ...view, range: "live" }));
  // Going live reads the newest candles at once, not only at the symbol's next update.
  const isLive = view.range === "live";
  useEffect(() => {
    if (isLive) candles.refresh();
  }, [isLive]);
  const current = summaries[symbol];
  // Until the candles of a newly chosen symbol or interval are read, none are drawn.
  const chartCandles = holds(book, symbol, view.interval) ? book.candles : NO_CANDLES;
  const chartDecimals = decimalsFor(symbol, [
    ...(current ? [current.lastPrice] : []),
    ...chartCandles.slice(-50).map((candle) => candle.close),
  ]);
  // The levels of the shown symbol's "crosses" rules, drawn across the chart.
  const levels = useMemo(
    () =>
      priceAlerts.rules
        .filter((rule) => rule.symbol === symbol && rule.kind === "crosses")
        .map((rule) => ({ price: Number(rule.level), label: describeRule(rule, chartDecimals) })),
    [priceAlerts.rules, symbol, chartDecimals],
  );
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
        <ThemeToggle theme={theme} onChange={toggleTheme} />
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
        onChoose={(chosen) => setView((view) => ({ ...view, symbol: chosen }))}
        priceDecimals={decimalsFor}
      />
      <div class="workspace">
        <section class="chart-column" aria-label={`${symbol} chart`}>
          <div class="chart-toolbar">
            <ChoiceButtons
              name="intervals"
              label="Candle interval"
              options={CHART_INTERVALS}
              chosen={view.interval}
              onChoose={(interval) => setView((view) => withInterval(view, interval))}
            />
            <label class="whale-marks">
              <input
                type="checkbox"
                checked={showWhales}
                onChange={(event) => setShowWhales(event.currentTarget.checked)}
              />{" "}
              Whale trades
            </label>
            <IndicatorMenu
              set={view.indicators}
              onChange={(set) => setView((view) => ({ ...view, indicators: set }))}
            />
            {view.range !== "live" && (
              <button type="button" class="back-to-live" onClick={backToLive}>
                Back to live
              </button>
            )}
          </div>
          <TradingChart
            symbol={symbol}
            interval={view.interval}
            candles={chartCandles}
            shown={shown}
            indicators={indicators}
            marks={marks}
            levels={levels}
            priceDecimals={chartDecimals}
            theme={theme}
            onMove={(range, how) => setView((view) => movedView(view, range, how))}
            onBackToLive={backToLive}
          />
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
