/**
 * The trading chart's Chart.js configuration: the datasets (candles, VWAP, moving average, volume
 * bought and sold), the panes as stacked y axes on one UTC time axis, the zoom plugin's gestures
 * and its colours, taken from the page's theme.
 */
import type { Chart, ChartConfiguration } from "chart.js";
import { baseAsset, quoteAsset } from "../ui/format.ts";
import { CANDLE_COLOURS, type OhlcPoint, type PlotPoint } from "../ui/candle_plot.ts";
import { paneAxis } from "./chart_panes.ts";

/** Tick labels in Luxon's tokens, 24-hour like the rest of the page. */
const DISPLAY_FORMATS = {
  millisecond: "HH:mm:ss.SSS",
  second: "HH:mm:ss",
  minute: "HH:mm",
  hour: "HH:mm",
  day: "MMM d",
  week: "MMM d",
  month: "MMM yyyy",
  quarter: "MMM yyyy",
  year: "yyyy",
};

/** What the chart tells its component. */
export interface ChartCallbacks {
  onPanStart: () => void;
  onPanComplete: () => void;
  onZoomComplete: () => void;
}

type Config = ChartConfiguration<"candlestick" | "line" | "bar", (OhlcPoint | PlotPoint)[]>;

/** The chart's configuration, with no data yet. */
export function tradingChartConfig(callbacks: ChartCallbacks): Config {
  return {
    type: "candlestick",
    data: {
      datasets: [
        {
          type: "candlestick",
          label: "Price",
          data: [],
          // Named, as a dataset without one takes the first y axis listed (volume's).
          yAxisID: "y",
          // Each bar-like dataset has a pane of its own: no side-by-side groups to work out for
          // each candle (Chart.js's costliest step per element with many datasets).
          grouped: false,
          // The legend's swatch: neither colour of a candle, so only candles show those.
          backgroundColor: CANDLE_COLOURS.unchanged,
          backgroundColors: CANDLE_COLOURS,
          borderColors: CANDLE_COLOURS,
        },
        {
          type: "line",
          label: "VWAP",
          data: [],
          yAxisID: "y",
          borderColor: "#8250df",
          borderWidth: 1.5,
        },
        {
          type: "line",
          label: "Moving average",
          data: [],
          yAxisID: "y",
          borderColor: "#bf8700",
          borderWidth: 1.5,
        },
        ...(["Bought", "Sold"] as const).map((label) => ({
          type: "bar" as const,
          label: `${label} by takers`,
          data: [],
          yAxisID: "volume",
          stack: "volume",
          grouped: false,
          backgroundColor: label === "Bought" ? CANDLE_COLOURS.up : CANDLE_COLOURS.down,
        })),
        // Marks: points without lines over the candles.
        ...(["buys", "sells"] as const).map((side) => ({
          type: "line" as const,
          label: `Whale ${side}`,
          data: [],
          yAxisID: "y",
          showLine: false,
          pointStyle: "triangle" as const,
          pointRotation: side === "buys" ? 0 : 180,
          pointRadius: 6,
          borderColor: "#1b1f24",
          borderWidth: 1,
          backgroundColor: side === "buys" ? CANDLE_COLOURS.up : CANDLE_COLOURS.down,
        })),
        {
          type: "line",
          label: "Price alerts",
          data: [],
          yAxisID: "y",
          showLine: false,
          pointStyle: "star",
          pointRadius: 8,
          borderWidth: 2,
          borderColor: "#bf3989",
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      elements: { point: { radius: 0 } },
      scales: {
        x: {
          type: "time",
          offset: false,
          adapters: { date: { zone: "utc" } },
          time: { displayFormats: DISPLAY_FORMATS },
          ticks: { source: "auto", maxRotation: 0, autoSkipPadding: 24, major: { enabled: true } },
          grid: { offset: false },
          title: { display: true, text: "time (UTC)" },
        },
        // Stacked panes, in the order `paneAxis` gives them.
        volume: { ...paneAxis("volume", 1), stacked: true },
        y: paneAxis("y", 4),
      },
      plugins: {
        tooltip: { enabled: false },
        zoom: {
          pan: {
            enabled: true,
            mode: "x",
            threshold: 5,
            onPanStart: () => {
              callbacks.onPanStart();
              return true;
            },
            onPanComplete: callbacks.onPanComplete,
          },
          zoom: {
            wheel: { enabled: true, speed: 0.1 },
            pinch: { enabled: true },
            mode: "x",
            onZoomComplete: callbacks.onZoomComplete,
          },
        },
      },
    },
  };
}

/**
 * Names the axes for `symbol` and gives them, the grid and the legend the theme's colours: the CSS
 * custom properties `--chart-text` and `--chart-grid` as they apply to `element`, so the style
 * sheet holds them; answers the colours the plugins draw with (`--accent` for the levels).
 */
export function paintChart(chart: Chart, element: Element, symbol: string): ChartColours {
  const style = getComputedStyle(element);
  const text = style.getPropertyValue("--chart-text");
  const grid = style.getPropertyValue("--chart-grid");
  const titles: Record<string, string> = {
    x: "time (UTC)",
    y: quoteAsset(symbol) || "price",
    volume: baseAsset(symbol) || "volume",
    rsi: "RSI",
    macd: "MACD",
  };
  // The configuration's own objects, not the resolved options Chart.js hands out over them
  // (spread back into the configuration, those would chain on each call). Every scale here is
  // cartesian; the union of all scale types does not know their parts.
  const options = chart.config.options!;
  for (const [id, scale] of Object.entries(options.scales ?? {}) as [string, Themed][]) {
    scale.ticks = { ...scale.ticks, color: text };
    scale.grid = { ...scale.grid, color: grid, tickColor: grid };
    scale.border = { ...scale.border, color: grid };
    scale.title = { ...scale.title, display: true, text: titles[id], color: text };
  }
  const plugins = options.plugins ??= {};
  const legend = plugins.legend ??= {};
  legend.labels = { ...legend.labels, color: text };
  return { text, accent: style.getPropertyValue("--accent") };
}

/** The theme's colours the plugins draw with: the crosshair's and the levels'. */
export interface ChartColours {
  text: string;
  accent: string;
}

/** The parts of a scale that take the theme's colours. */
interface Themed {
  ticks?: object;
  grid?: object;
  border?: object;
  title?: object;
}
