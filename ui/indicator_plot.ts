/**
 * Indicator values as the chart plots and the readout reads them: one line of points per
 * indicator line, at the middle of each candle's bucket, a gap where there is no value yet.
 */
import type { IndicatorName, IndicatorsView } from "../domain/indicators.ts";
import { firstAtOrAfter, type PlotPoint } from "./candle_plot.ts";

/** What each indicator is called on the page. */
export const INDICATOR_TITLES: Record<IndicatorName, string> = {
  sma: "SMA",
  ema: "EMA",
  bb: "Bollinger Bands",
  rsi: "RSI",
  macd: "MACD",
};

/** One line of one indicator, plotted. */
export interface IndicatorLinePlot {
  /** The indicator's key (`ema:20`) and the line's name (`ema`, `upper`, `histogram`). */
  key: string;
  name: IndicatorName;
  line: string;
  pane: "price" | "rsi" | "macd";
  /** `y` is NaN where the history holds too few candles for a value. */
  points: PlotPoint[];
}

/** Every line of `view`, on candles of `bucketMs`. */
export function plotIndicators(view: IndicatorsView, bucketMs: number): IndicatorLinePlot[] {
  const middles = view.times.map((time) => Date.parse(time) + bucketMs / 2);
  return view.indicators.flatMap((indicator) =>
    Object.entries(indicator.lines).map(([line, values]) => ({
      key: indicator.key,
      name: indicator.name,
      line,
      pane: indicator.pane,
      points: values.map((value, i) => ({ x: middles[i], y: value ?? NaN })),
    }))
  );
}

/** The values of each line at the candle starting at `time` (ISO), where there are any. */
export function valuesAt(
  lines: IndicatorLinePlot[],
  time: string,
  bucketMs: number,
): { plot: IndicatorLinePlot; value: number }[] {
  const x = Date.parse(time) + bucketMs / 2;
  return lines.flatMap((plot) => {
    const point = plot.points[firstAtOrAfter(plot.points, x)];
    return point?.x === x && !Number.isNaN(point.y) ? [{ plot, value: point.y }] : [];
  });
}

/** A line's name for people: `EMA 20`, `Bollinger Bands 20 2 upper`, `MACD 12 26 9 signal`. */
export function lineLabel(plot: IndicatorLinePlot): string {
  const [, ...params] = plot.key.split(":");
  return `${INDICATOR_TITLES[plot.name]} ${params.join(" ")}` +
    (plot.line === plot.name ? "" : ` ${plot.line}`);
}
