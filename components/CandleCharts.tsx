/**
 * The price chart (candles, with the VWAP and the moving average over them) and beneath it the
 * volume bought and sold by takers, on one time axis shown in UTC, in the page's theme. Candles are
 * chartjs-chart-financial's; the time axis uses the Luxon adapter set to the UTC zone, so ticks
 * fall on UTC minutes, hours and days and read as UTC whatever the browser's zone.
 */
import { useEffect, useRef } from "preact/hooks";
import { Chart, type ChartComponent, type Scale, type ScaleOptions } from "chart.js/auto";
// The package's main file is a UMD build, which Deno (rendering on the server) cannot import as a
// module; its ES module build has the same exports, and the package root has the types.
// @ts-types="chartjs-chart-financial"
import {
  CandlestickController,
  CandlestickElement,
} from "chartjs-chart-financial/dist/chartjs-chart-financial.esm.js";
// Registers the time scale's date adapter, which the zone below sets to UTC.
import "chartjs-adapter-luxon";
import type { Candle } from "../domain/dashboard_views.ts";
import type { Theme } from "../ui/theme.ts";
import {
  baseAsset,
  formatDateTime,
  formatDecimal,
  formatQuantity,
  quoteAsset,
} from "../ui/format.ts";
import {
  CANDLE_COLOURS,
  type CandleSeries,
  type OhlcPoint,
  plotCandles,
  type PlotPoint,
} from "../ui/candle_plot.ts";

// The types declare the element as a DOM Element; it is a Chart.js element class.
Chart.register(CandlestickController, CandlestickElement as unknown as ChartComponent);

/** Both charts' y axes are this wide (px), so their time axes line up. */
const Y_AXIS_WIDTH = 84;

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

/** Props of {@link CandleCharts}. */
export interface CandleChartsProps {
  series: CandleSeries;
  /** Decimals of the symbol's prices (see `pricePrecision`). */
  priceDecimals: number;
  /** The page's theme: axes, grid and legend take its colours. */
  theme: Theme;
}

/** What the tooltips read when they open: the exact strings of the candles drawn. */
interface Shown {
  points: Candle[];
  priceDecimals: number;
}

type PriceChart = Chart<"candlestick" | "line", (OhlcPoint | PlotPoint)[]>;
type VolumeChart = Chart<"bar", PlotPoint[]>;

/**
 * The two charts of `series`. The price canvas carries `data-newest`, the time and close of the
 * newest candle drawn, for whoever watches the chart move (the browser test does).
 */
export default function CandleCharts({ series, priceDecimals, theme }: CandleChartsProps) {
  const { symbol } = series;
  const priceCanvas = useRef<HTMLCanvasElement>(null);
  const volumeCanvas = useRef<HTMLCanvasElement>(null);
  const charts = useRef<{ price?: PriceChart; volume?: VolumeChart }>({});
  const shown = useRef<Shown>({ points: series.points, priceDecimals });
  shown.current = { points: series.points, priceDecimals };

  useEffect(() => () => {
    charts.current.price?.destroy();
    charts.current.volume?.destroy();
  }, []);

  useEffect(() => {
    const plot = plotCandles(series, Date.now());
    const price = charts.current.price ??= priceChart(priceCanvas.current!, shown);
    const [candles, vwap, movingAverage] = price.data.datasets;
    candles.data = plot.candles;
    vwap.data = plot.vwap;
    movingAverage.data = plot.movingAverage;
    // Lines break where a bucket had no trades, as the candles do.
    for (const line of [vwap, movingAverage]) Object.assign(line, { spanGaps: plot.bucketMs });
    Object.assign(price.options.scales!.x!, { min: plot.from, max: plot.to });
    Object.assign(price.options.scales!.y!, {
      ...plot.priceRange,
      title: { display: true, text: quoteAsset(symbol) || "price" },
    });
    const newest = series.points.at(-1);
    if (newest) priceCanvas.current!.dataset.newest = `${newest.time} ${newest.close}`;
    else delete priceCanvas.current!.dataset.newest;

    const volume = charts.current.volume ??= volumeChart(volumeCanvas.current!, shown);
    const [bought, sold] = volume.data.datasets;
    bought.data = plot.bought;
    sold.data = plot.sold;
    Object.assign(volume.options.scales!.x!, { min: plot.from, max: plot.to });
    Object.assign(volume.options.scales!.y!, {
      title: { display: true, text: baseAsset(symbol) || "volume" },
    });
    for (const chart of [price, volume]) paint(chart, priceCanvas.current!);
    price.update();
    volume.update();
  }, [series, theme]);

  return (
    <div class="panes">
      <div class="chart">
        <canvas ref={priceCanvas} role="img" aria-label={`${symbol} candles`} />
      </div>
      <div class="chart small">
        <canvas ref={volumeCanvas} role="img" aria-label={`${symbol} volume by taker side`} />
      </div>
    </div>
  );
}

/**
 * Gives `chart`'s axes, grid and legend the theme's colours: the CSS custom properties
 * `--chart-text` and `--chart-grid` as they apply to `element`, so the style sheet holds them.
 */
function paint(chart: Chart, element: Element): void {
  const style = getComputedStyle(element);
  const text = style.getPropertyValue("--chart-text");
  const grid = style.getPropertyValue("--chart-grid");
  // Every scale here is cartesian; the union of all scale types does not know their parts.
  for (const scale of Object.values(chart.options.scales ?? {}) as ThemedScale[]) {
    scale.ticks = { ...scale.ticks, color: text };
    scale.grid = { ...scale.grid, color: grid };
    scale.border = { ...scale.border, color: grid };
    scale.title = { ...scale.title, color: text };
  }
  const legend = chart.options.plugins!.legend!;
  legend.labels = { ...legend.labels, color: text };
}

/** The parts of a scale that take the theme's colours. */
interface ThemedScale {
  ticks?: object;
  grid?: object;
  border?: object;
  title?: object;
}

/** The candlestick chart with its two lines, empty; tooltips read `shown` when they open. */
function priceChart(canvas: HTMLCanvasElement, shown: { current: Shown }): PriceChart {
  const price = (amount: string) => formatDecimal(amount, shown.current.priceDecimals);
  return new Chart<"candlestick" | "line", (OhlcPoint | PlotPoint)[]>(canvas, {
    type: "candlestick",
    data: {
      datasets: [
        {
          type: "candlestick",
          label: "Price",
          data: [],
          // The legend's swatch: neither colour of a candle, so only candles show those.
          backgroundColor: CANDLE_COLOURS.unchanged,
          backgroundColors: CANDLE_COLOURS,
          borderColors: CANDLE_COLOURS,
        },
        { type: "line", label: "VWAP", data: [], borderColor: "#8250df", borderWidth: 1.5 },
        {
          type: "line",
          label: "Moving average",
          data: [],
          borderColor: "#bf8700",
          borderWidth: 1.5,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      elements: { point: { radius: 0 } },
      scales: { x: timeAxis(), y: valueAxis() },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => tooltipTitle(shown, items),
            label: ({ dataIndex, datasetIndex }) => {
              const candle = shown.current.points[dataIndex];
              if (datasetIndex === 1) return `VWAP ${price(candle.vwap)}`;
              if (datasetIndex === 2) return `Moving average ${price(candle.movingAverage)}`;
              return `O ${price(candle.open)}  H ${price(candle.high)}  ` +
                `L ${price(candle.low)}  C ${price(candle.close)}`;
            },
          },
        },
      },
    },
  });
}

/** The stacked bars of taker volume, empty; tooltips read `shown` when they open. */
function volumeChart(canvas: HTMLCanvasElement, shown: { current: Shown }): VolumeChart {
  return new Chart<"bar", PlotPoint[]>(canvas, {
    type: "bar",
    data: {
      datasets: [
        { label: "Bought by takers", data: [], backgroundColor: CANDLE_COLOURS.up },
        { label: "Sold by takers", data: [], backgroundColor: CANDLE_COLOURS.down },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: { x: { ...timeAxis(), stacked: true }, y: { ...valueAxis(), stacked: true } },
      plugins: {
        tooltip: {
          mode: "index",
          intersect: false,
          callbacks: {
            title: (items) => tooltipTitle(shown, items),
            label: ({ dataIndex, datasetIndex }) => {
              const candle = shown.current.points[dataIndex];
              return datasetIndex === 0
                ? `Bought by takers ${formatQuantity(candle.buyVolume)}`
                : `Sold by takers ${formatQuantity(candle.sellVolume)}`;
            },
          },
        },
      },
    },
  });
}

/** The start of the hovered candle's bucket, in UTC. */
function tooltipTitle(shown: { current: Shown }, items: { dataIndex: number }[]): string {
  const candle = items.length ? shown.current.points[items[0].dataIndex] : undefined;
  return candle ? formatDateTime(candle.time) : "";
}

/** A real time axis in UTC: gaps between candles are gaps, ticks on UTC boundaries. */
function timeAxis(): ScaleOptions<"time"> {
  return {
    type: "time",
    offset: false,
    adapters: { date: { zone: "utc" } },
    time: { displayFormats: DISPLAY_FORMATS },
    // Set here for both charts, as the candlestick type's defaults would differ from the bars'.
    ticks: { source: "auto", maxRotation: 0, autoSkipPadding: 24, major: { enabled: true } },
    // Bars put grid lines between ticks by default; here they stay on the ticks, as for candles.
    grid: { offset: false },
    title: { display: true, text: "time (UTC)" },
  };
}

/** A y axis of fixed width, so both charts' plot areas start at the same x. */
function valueAxis(): ScaleOptions<"linear"> {
  return {
    type: "linear",
    ticks: { includeBounds: false },
    afterFit: (scale: Scale) => {
      scale.width = Y_AXIS_WIDTH;
    },
  };
}
