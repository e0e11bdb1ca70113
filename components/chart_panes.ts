/**
 * The trading chart's panes below the time axis' datasets: the indicators' datasets (overlays on
 * the price pane, RSI and MACD in panes of their own), the order of the stacked panes, and the
 * y axes fitted to what the time axis shows, before every update, the zoom plugin's too.
 */
import type { Chart, ChartDataset, Plugin, Scale, ScaleOptions } from "chart.js";
import type { Candle } from "../domain/dashboard_views.ts";
import { type CandlePlot, fitRanges, linesRange } from "../ui/candle_plot.ts";
import { type IndicatorLinePlot, lineLabel } from "../ui/indicator_plot.ts";
import { type Level, levelsShown } from "./chart_levels.ts";
import type { ChartColours } from "./trading_chart_config.ts";
import { CHART_UPDATE_MEASURE } from "../ui/chart_view.ts";

/** What the chart draws now, for the hooks that run inside Chart.js. */
export interface Drawn {
  candles: Candle[];
  plot: CandlePlot;
  lines: IndicatorLinePlot[];
  levels: Level[];
  colours: ChartColours;
}

/**
 * Datasets of the candles, VWAP, moving average, volume bought and sold, whale buys and sells and
 * price alerts: the first eight, before the indicators'.
 */
const BASE_DATASETS = 8;

/** Colours of the indicators' lines, taken in turn; Bollinger Bands' three share one. */
const LINE_COLOURS = ["#0969da", "#d4380d", "#1f883d", "#bf3989", "#6639ba", "#9a6700"];

/** Every y axis is this wide (px), so the panes' plot areas line up. */
const Y_AXIS_WIDTH = 84;

/** The panes from the bottom up: Chart.js stacks the axes in the order of their `weight`. */
const PANE_ORDER = ["macd", "rsi", "volume", "y"];

/**
 * The y axis `id` (see {@link PANE_ORDER}) of fixed width, stacked with the others; `share` is
 * its share of the height.
 */
export function paneAxis(id: string, share: number): ScaleOptions<"linear"> {
  return {
    type: "linear",
    position: "left",
    stack: "panes",
    stackWeight: share,
    weight: PANE_ORDER.indexOf(id),
    offset: true,
    ticks: { includeBounds: false },
    afterFit: (scale: Scale) => {
      scale.width = Y_AXIS_WIDTH;
    },
  };
}

/**
 * Draws `lines` after the base datasets, with the panes they need (MACD, RSI) and only those.
 * The axes' titles and colours are `paintChart`'s.
 */
export function setIndicators(chart: Chart, lines: IndicatorLinePlot[]): void {
  const keys = [...new Set(lines.map((line) => line.key))];
  const datasets = lines.map((line): ChartDataset => {
    const colour = LINE_COLOURS[keys.indexOf(line.key) % LINE_COLOURS.length];
    const label = lineLabel(line);
    const yAxisID = line.pane === "price" ? "y" : line.pane;
    if (line.line === "histogram") {
      return {
        type: "bar",
        label,
        data: line.points,
        yAxisID,
        grouped: false,
        backgroundColor: `${colour}80`,
      };
    }
    return {
      type: "line",
      label,
      data: line.points,
      yAxisID,
      borderColor: colour,
      borderWidth: 1.2,
      borderDash: line.line === "signal" ? [4, 3] : [],
      pointRadius: 0,
    };
  });
  chart.data.datasets.splice(BASE_DATASETS, Infinity, ...datasets);
  const panes = new Set(lines.map((line) => line.pane));
  // The configuration itself, not the resolved options Chart.js hands out over it.
  const options = chart.config.options!;
  const { x, volume, y, macd, rsi } = options.scales as Record<string, ScaleOptions>;
  options.scales = {
    x,
    ...(panes.has("macd") ? { macd: macd ?? paneAxis("macd", 1.2) } : {}),
    ...(panes.has("rsi") ? { rsi: { ...(rsi ?? paneAxis("rsi", 1.2)), min: 0, max: 100 } } : {}),
    volume,
    y,
  };
}

/**
 * Fits the price (candles, lines and overlays), volume and MACD axes to what the time axis
 * shows; RSI keeps 0 to 100.
 */
export function fitAxes(chart: Chart, drawn: Drawn): void {
  const scales = chart.options.scales!;
  const { min, max } = scales.x!;
  if (typeof min !== "number" || typeof max !== "number") return;
  const inPane = (pane: string) =>
    drawn.lines.filter((line) => line.pane === pane).map((line) => line.points);
  const fitted = fitRanges(drawn.plot, min, max, inPane("price"));
  Object.assign(scales.y!, fitted.price);
  Object.assign(scales.volume!, fitted.volume);
  if (scales.macd) {
    const range = linesRange(inPane("macd"), min, max) ?? { min: -1, max: 1 };
    const margin = (range.max - range.min || Math.abs(range.max) || 1) * 0.1;
    Object.assign(scales.macd, { min: range.min - margin, max: range.max + margin });
  }
}

/**
 * Fits the axes before each update the zoom plugin makes (a pan or zoom step); the component fits
 * them itself before its own updates, as an update it starts may resolve the axes' options before
 * this hook runs. After every update, writes what is shown on the canvas's data attributes; each
 * update and its drawing is measured (`CHART_UPDATE_MEASURE`).
 */
export function fitPlugin(drawn: { current: Drawn }): Plugin {
  let updateStarted: number | undefined;
  return {
    id: "fit",
    beforeUpdate(chart) {
      updateStarted = performance.now();
      fitAxes(chart, drawn.current);
    },
    // Each update with its drawing, as a User Timing measure for observers (the bench); the
    // page's own list of them is emptied again, so it does not grow while the page is open.
    afterRender() {
      if (updateStarted === undefined) return;
      performance.measure(CHART_UPDATE_MEASURE, { start: updateStarted });
      performance.clearMeasures(CHART_UPDATE_MEASURE);
      updateStarted = undefined;
    },
    afterUpdate(chart) {
      const data = chart.canvas.dataset;
      const { candles, lines } = drawn.current;
      const newest = candles.at(-1);
      if (newest) data.newest = `${newest.time} ${newest.close}`;
      else delete data.newest;
      if (candles.length) data.oldest = candles[0].time;
      else delete data.oldest;
      data.view = `${chart.scales.x.min} ${chart.scales.x.max}`;
      data.plot = `${chart.chartArea.left} ${chart.chartArea.right}`;
      data.prices = `${chart.scales.y.min} ${chart.scales.y.max}`;
      // The marks held: whale trades, alerts, and the levels within the prices shown.
      const held = (index: number) => chart.data.datasets[index].data.length;
      const levels = levelsShown(chart, drawn.current.levels).length;
      data.marks = `whales ${held(5) + held(6)} alerts ${held(7)} levels ${levels}`;
      // Each indicator line's newest value drawn, as `key line value` per line.
      data.indicators = lines.map((line) => {
        const last = line.points.findLast((point) => !Number.isNaN(point.y));
        return `${line.key} ${line.line} ${last?.y ?? ""}`;
      }).join(";");
    },
  };
}
