/**
 * A symbol's candles as the chart plots them: numbers on a time axis in epoch milliseconds, each
 * candle at the middle of its bucket, so a bucket without trades is an empty stretch of the axis;
 * which candles a range of that axis shows, the one under a point of it, and the price and volume
 * ranges that fit what is shown. The decimal strings stay in the candles for what people read.
 */
import type { Candle } from "../domain/dashboard_views.ts";

/** Colours of a candle whose close is above, below or at its open (the browser test looks). */
export const CANDLE_COLOURS = { up: "#1a7f37", down: "#cf222e", unchanged: "#57606a" };

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
  /** Neighbours further apart than this (ms) have a gap between them; lines break there. */
  bucketMs: number;
}

/** Plots `candles` (oldest first) of buckets `bucketMs` long. */
export function plotCandles(candles: Candle[], bucketMs: number): CandlePlot {
  const middles = candles.map((p) => Date.parse(p.time) + bucketMs / 2);
  const line = (value: (p: Candle) => string) =>
    candles.map((p, i) => ({ x: middles[i], y: Number(value(p)) }));
  return {
    candles: candles.map((p, i) => ({
      x: middles[i],
      o: Number(p.open),
      h: Number(p.high),
      l: Number(p.low),
      c: Number(p.close),
    })),
    vwap: line((p) => p.vwap),
    movingAverage: line((p) => p.movingAverage),
    bought: line((p) => p.buyVolume),
    sold: line((p) => p.sellVolume),
    bucketMs,
  };
}

/** `points` (sorted by `x`) with `x` in `[from, to]`. */
export function pointsWithin<T extends { x: number }>(points: T[], from: number, to: number): T[] {
  return points.slice(firstAtOrAfter(points, from), firstAtOrAfter(points, to + 1));
}

/** `plot` cut to its candles whose middles fall in `[from, to]`. */
export function plotWithin(plot: CandlePlot, from: number, to: number): CandlePlot {
  const start = firstAtOrAfter(plot.candles, from);
  const end = firstAtOrAfter(plot.candles, to + 1);
  const cut = <T>(points: T[]) => points.slice(start, end);
  return {
    candles: cut(plot.candles),
    vwap: cut(plot.vwap),
    movingAverage: cut(plot.movingAverage),
    bought: cut(plot.bought),
    sold: cut(plot.sold),
    bucketMs: plot.bucketMs,
  };
}

/** The index of the first of `points` (sorted by `x`) at or after `x`; the length if none. */
export function firstAtOrAfter(points: readonly { x: number }[], x: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (points[middle].x < x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The index of the candle nearest to `x`, or undefined when there is none. */
export function candleNearest(plot: CandlePlot, x: number): number | undefined {
  const { candles } = plot;
  if (candles.length === 0) return undefined;
  const after = firstAtOrAfter(candles, x);
  if (after === 0) return 0;
  if (after === candles.length) return after - 1;
  return x - candles[after - 1].x <= candles[after].x - x ? after - 1 : after;
}

/** The axes' ranges that fit what a time range shows. */
export interface FittedRanges {
  /** Every low, high and line point shown, with a margin (also for a lone flat candle). */
  price: { min: number; max: number };
  /** Zero to the tallest bar shown, with a margin. */
  volume: { min: number; max: number };
}

/** Share of the span left free above and below the prices. */
const PRICE_MARGIN = 0.05;

/**
 * The price and volume ranges of the candles whose middles fall in `[from, to]`, and of the
 * `overlays` drawn over them (such as Bollinger Bands).
 */
export function fitRanges(
  plot: CandlePlot,
  from: number,
  to: number,
  overlays: readonly PlotPoint[][] = [],
): FittedRanges {
  const start = firstAtOrAfter(plot.candles, from);
  const end = firstAtOrAfter(plot.candles, to + 1);
  let low = Infinity;
  let high = -Infinity;
  let tallest = 0;
  for (let i = start; i < end; i++) {
    const { l, h } = plot.candles[i];
    low = Math.min(low, l, plot.vwap[i].y, plot.movingAverage[i].y);
    high = Math.max(high, h, plot.vwap[i].y, plot.movingAverage[i].y);
    tallest = Math.max(tallest, plot.bought[i].y + plot.sold[i].y);
  }
  if (start === end) return { price: { min: 0, max: 1 }, volume: { min: 0, max: 1 } };
  const over = linesRange(overlays, from, to);
  if (over) {
    low = Math.min(low, over.min);
    high = Math.max(high, over.max);
  }
  const margin = (high - low || Math.abs(high) / 1_000 || 1) * PRICE_MARGIN;
  return {
    price: { min: low - margin, max: high + margin },
    volume: { min: 0, max: (tallest || 1) * 1.1 },
  };
}

/** The lowest and highest value of `lines` at points in `[from, to]`; undefined when none. */
export function linesRange(
  lines: readonly PlotPoint[][],
  from: number,
  to: number,
): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const points of lines) {
    for (let i = firstAtOrAfter(points, from); i < points.length && points[i].x <= to; i++) {
      const { y } = points[i];
      if (Number.isNaN(y)) continue;
      min = Math.min(min, y);
      max = Math.max(max, y);
    }
  }
  return min <= max ? { min, max } : undefined;
}
