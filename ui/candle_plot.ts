/**
 * A symbol's candles as the charts plot them: numbers on a time axis in epoch milliseconds, each
 * candle at the middle of its bucket, so a bucket without trades is an empty stretch of the axis.
 * The decimal strings stay in the candles for whatever people read (tooltips).
 */
import type { Candle } from "../domain/dashboard_views.ts";
import { CHART_WINDOWS, type ChartWindow } from "../domain/chart_windows.ts";

/** Colours of a candle whose close is above, below or at its open (the browser test looks). */
export const CANDLE_COLOURS = { up: "#1a7f37", down: "#cf222e", unchanged: "#57606a" };

/** What `/api/series` answers: the candles of one window, oldest first, with gaps. */
export interface CandleSeries {
  symbol: string;
  window: ChartWindow;
  bucketSeconds: number;
  points: Candle[];
}

/** A point of a line or bar: `x` in epoch ms. */
export interface PlotPoint {
  x: number;
  y: number;
}

/** A candle as the candlestick chart takes it: open, high, low, close at `x` (epoch ms). */
export interface OhlcPoint {
  x: number;
  o: number;
  h: number;
  l: number;
  c: number;
}

/** The plotted series: one entry per candle in every list, in the order of the candles. */
export interface CandlePlot {
  candles: OhlcPoint[];
  vwap: PlotPoint[];
  movingAverage: PlotPoint[];
  bought: PlotPoint[];
  sold: PlotPoint[];
  /** The time axis: the whole window, ending now or at the end of the newest candle. */
  from: number;
  to: number;
  /** The price axis: every low, high and line point, with a margin (also for a lone candle). */
  priceRange: { min: number; max: number };
  /** Neighbours further apart than this (ms) have a gap between them; lines break there. */
  bucketMs: number;
}

/** Plots `series` as of `now` (epoch ms). */
export function plotCandles(series: CandleSeries, now: number): CandlePlot {
  const bucketMs = series.bucketSeconds * 1_000;
  const middles = series.points.map((p) => new Date(p.time).getTime() + bucketMs / 2);
  const line = (value: (p: Candle) => string) =>
    series.points.map((p, i) => ({ x: middles[i], y: Number(value(p)) }));
  const newestEnd = (middles.at(-1) ?? -Infinity) + bucketMs / 2;
  const to = Math.max(now, newestEnd);
  const candles = series.points.map((p, i) => ({
    x: middles[i],
    o: Number(p.open),
    h: Number(p.high),
    l: Number(p.low),
    c: Number(p.close),
  }));
  const vwap = line((p) => p.vwap);
  const movingAverage = line((p) => p.movingAverage);
  return {
    candles,
    vwap,
    movingAverage,
    bought: line((p) => p.buyVolume),
    sold: line((p) => p.sellVolume),
    from: to - CHART_WINDOWS[series.window].seconds * 1_000,
    to,
    priceRange: paddedRange([
      ...candles.flatMap((c) => [c.l, c.h]),
      ...[...vwap, ...movingAverage].map((p) => p.y),
    ]),
    bucketMs,
  };
}

/** Share of the span left free above and below. */
const PRICE_MARGIN = 0.05;

/** `values`' range with a margin; all equal, they span a thousandth of their value. */
function paddedRange(values: number[]): { min: number; max: number } {
  if (!values.length) return { min: 0, max: 1 };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const margin = (max - min || Math.abs(max) / 1_000 || 1) * PRICE_MARGIN;
  return { min: min - margin, max: max + margin };
}
