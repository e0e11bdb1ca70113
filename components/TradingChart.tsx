/**
 * The chart as a tool: one Chart.js chart whose panes share the time axis (candles with VWAP and
 * moving average over them, volume by taker side beneath), zoomed with the wheel or a pinch and
 * panned by dragging (`chartjs-plugin-zoom`, registered in the browser bundle), or from the
 * keyboard; a crosshair with a text readout of the candle under it. The price and volume axes fit
 * the candles shown as the view moves. Times read in UTC, whatever the browser's zone.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Chart, type ChartComponent } from "chart.js/auto";
// The package's main file is a UMD build, which Deno (rendering on the server) cannot import as a
// module; its ES module build has the same exports, and the package root has the types.
// @ts-types="chartjs-chart-financial"
import {
  CandlestickController,
  CandlestickElement,
} from "chartjs-chart-financial/dist/chartjs-chart-financial.esm.js";
// Registers the time scale's date adapter, which the axis sets to UTC.
import "chartjs-adapter-luxon";
// Types only: the plugin itself touches `window` when loaded, so only the browser bundle loads it.
import type {} from "chartjs-plugin-zoom";
import type { Candle } from "../domain/dashboard_views.ts";
import type { IndicatorsView } from "../domain/indicators.ts";
import type { ChartMarks } from "../ui/use_chart_marks.ts";
import type { CandleInterval } from "../domain/candles.ts";
import { intervalMs, type TimeRange } from "../ui/candle_book.ts";
import {
  candleNearest,
  firstAtOrAfter,
  plotCandles,
  plotWithin,
  pointsWithin,
} from "../ui/candle_plot.ts";
import { plotIndicators } from "../ui/indicator_plot.ts";
import { MIN_SPAN_CANDLES } from "../ui/chart_view.ts";
import type { Theme } from "../ui/theme.ts";
import { crosshairPlugin } from "./chart_crosshair.ts";
import { type Level, levelsPlugin } from "./chart_levels.ts";
import { paintChart, tradingChartConfig } from "./trading_chart_config.ts";
import { type Drawn, fitAxes, fitPlugin, setIndicators } from "./chart_panes.ts";
import { currentRange, handleChartKey, type ZoomableChart } from "./chart_keys.ts";
import CandleReadout from "./CandleReadout.tsx";

// The types declare the element as a DOM Element; it is a Chart.js element class.
Chart.register(CandlestickController, CandlestickElement as unknown as ChartComponent);

/** Props of {@link TradingChart}. */
export interface TradingChartProps {
  symbol: string;
  interval: CandleInterval;
  /** Oldest first. */
  candles: Candle[];
  /** The time range to show (epoch ms). */
  shown: TimeRange;
  /** The indicators to draw over the candles and in panes of their own, if any. */
  indicators?: IndicatorsView;
  /** Whale trades and price alerts to mark on the price pane. */
  marks: ChartMarks;
  /** Prices to draw across the price pane (the levels of users' rules). */
  levels: Level[];
  /** Decimals of the symbol's prices (see `pricePrecision`). */
  priceDecimals: number;
  theme: Theme;
  /** Told the range the user moved the view to, and whether by zooming or panning. */
  onMove: (range: TimeRange, how: "zoom" | "pan") => void;
  /** The End key: back to the newest candles. */
  onBackToLive: () => void;
}

/**
 * The chart and its readout. The canvas carries `data-newest` (time and close of the newest
 * candle held), `data-oldest` (time of the oldest), `data-view` (the time axis' ends, epoch ms)
 * `data-plot` (where they are drawn, in CSS pixels from the canvas's left), `data-prices` (the
 * price axis' ends), `data-marks` (whale trades and alerts marked, levels drawn) and
 * `data-indicators` (each line's newest value), for whoever watches it (the browser tests do).
 */
export default function TradingChart(props: TradingChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ZoomableChart>();
  const [pointer, setPointer] = useState<number>();
  const bucketMs = intervalMs(props.interval);
  const plot = useMemo(() => plotCandles(props.candles, bucketMs), [props.candles, bucketMs]);
  // An answer for another interval than the candles' is not drawn.
  const lines = useMemo(
    () =>
      props.indicators?.interval === props.interval
        ? plotIndicators(props.indicators, bucketMs)
        : [],
    [props.indicators, props.interval],
  );
  const drawn = useRef<Drawn>({
    candles: props.candles,
    plot,
    lines,
    levels: props.levels,
    colours: { text: "#888", accent: "#888" },
  });
  // What the chart's callbacks read when they run.
  const latest = useRef({ props, pointer });
  latest.current = { props, pointer };

  useEffect(() => {
    const report = (how: "zoom" | "pan") =>
      latest.current.props.onMove(currentRange(chart.current!), how);
    chart.current = new Chart(canvas.current!, {
      ...tradingChartConfig({
        onPanStart: () => report("pan"),
        onPanComplete: () => report("pan"),
        onZoomComplete: () => report("zoom"),
      }),
      plugins: [
        crosshairPlugin({
          onPointer: setPointer,
          at: () => {
            const { pointer } = latest.current;
            const { plot } = drawn.current;
            const index = pointer === undefined ? undefined : candleNearest(plot, pointer);
            return index === undefined ? undefined : plot.candles[index].x;
          },
          color: () => drawn.current.colours.text,
        }),
        levelsPlugin({
          levels: () => drawn.current.levels,
          color: () => drawn.current.colours.accent,
        }),
        fitPlugin(drawn),
      ],
    }) as ZoomableChart;
    return () => chart.current?.destroy();
  }, []);

  // Chart.js lays out every point it holds on each update (a pan step too), so it holds the
  // view and one more view's width on each side, not every candle read: cut again when the view
  // has moved a width.
  const width = props.shown.to - props.shown.from;
  const cutFrom = (Math.floor(props.shown.from / width) - 1) * width;
  const cutTo = (Math.ceil(props.shown.to / width) + 1) * width;

  useEffect(() => {
    const { colours } = drawn.current;
    drawn.current = { candles: props.candles, plot, lines, levels: props.levels, colours };
    const shownChart = chart.current!;
    const [candles, vwap, movingAverage, bought, sold, buys, sells, alerts] =
      shownChart.data.datasets;
    const held = plotWithin(plot, cutFrom, cutTo);
    candles.data = held.candles;
    vwap.data = held.vwap;
    movingAverage.data = held.movingAverage;
    bought.data = held.bought;
    sold.data = held.sold;
    // Lines break where a bucket had no trades, as the candles do.
    for (const line of [vwap, movingAverage]) Object.assign(line, { spanGaps: bucketMs });
    const whales = (side: boolean) =>
      props.marks.whales.filter((whale) => whale.isBuyerMaker === side)
        .map((whale) => ({ x: Date.parse(whale.tradeTime), y: Number(whale.price) }));
    // A taker bought when the buyer was not the maker.
    buys.data = whales(false);
    sells.data = whales(true);
    // An alert is judged on a completed second: marked in its middle.
    alerts.data = props.marks.alerts.map((alert) => ({
      x: Date.parse(alert.time) + 500,
      y: Number(alert.price),
    }));
    setIndicators(
      shownChart,
      lines.map((line) => ({ ...line, points: pointsWithin(line.points, cutFrom, cutTo) })),
    );
    drawn.current.colours = paintChart(shownChart, canvas.current!, props.symbol);
    fitAxes(shownChart, drawn.current);
    shownChart.update("none");
  }, [plot, lines, props.marks, props.levels, props.theme, cutFrom, cutTo]);

  useEffect(() => {
    const x = chart.current!.options.scales!.x!;
    if (x.min === props.shown.from && x.max === props.shown.to) return;
    Object.assign(x, { min: props.shown.from, max: props.shown.to });
    const zoom = chart.current!.options.plugins!.zoom!;
    zoom.limits = { x: { minRange: MIN_SPAN_CANDLES * intervalMs(props.interval) } };
    fitAxes(chart.current!, drawn.current);
    chart.current!.update("none");
  }, [props.shown.from, props.shown.to, props.interval]);

  const keys = (event: KeyboardEvent) =>
    chart.current && handleChartKey(event, chart.current, drawn.current.plot, pointer, {
      // Drawn now: the pointer's moves redraw by themselves, a key's do not.
      moveCrosshair: (x) => {
        latest.current.pointer = x;
        setPointer(x);
        chart.current?.draw();
      },
      moved: props.onMove,
      backToLive: props.onBackToLive,
    });

  // Not pointing: the newest candle in view (the chart may hold newer ones beyond it).
  const index = pointer === undefined
    ? firstAtOrAfter(plot.candles, props.shown.to + 1) - 1
    : candleNearest(plot, pointer) ?? -1;
  return (
    <div class="chart-area">
      <CandleReadout
        symbol={props.symbol}
        candle={props.candles[index]}
        pointed={pointer !== undefined}
        priceDecimals={props.priceDecimals}
        lines={lines}
        bucketMs={bucketMs}
      />
      <div class="chart">
        <canvas
          ref={canvas}
          tabIndex={0}
          onKeyDown={keys}
          role="img"
          aria-label={`${props.symbol} candles and volume; arrow keys move the crosshair, + and − ` +
            `zoom, Page Up and Page Down pan, End returns to live`}
        />
      </div>
    </div>
  );
}
