/**
 * What the chart shows: a symbol's candles of one interval, either following live trades (the
 * newest `span` of time) or over a range the user moved to. The interval follows the zoom, so a
 * view never holds more candles than one answer of `/api/candles` gives.
 */
import { CANDLE_INTERVALS, type CandleInterval, MAX_CANDLES } from "../domain/candles.ts";
import { type CandleBook, holds, intervalMs, type TimeRange } from "./candle_book.ts";

/** The intervals the user may choose, finest first. */
export const CHART_INTERVALS = Object.keys(CANDLE_INTERVALS) as CandleInterval[];

/** The interval a page opens with. */
export const DEFAULT_INTERVAL: CandleInterval = "1m";

/** Candles a view shows when it opens or its interval is chosen. */
export const DEFAULT_SPAN_CANDLES = 120;

/** Fewest candles a zoom may narrow a view to. */
export const MIN_SPAN_CANDLES = 10;

/** The chart's view: what the page, and a link to it, holds. */
export interface ChartView {
  symbol: string;
  interval: CandleInterval;
  /** `live`: the newest candles, `span` ms of them; otherwise the range shown. */
  range: "live" | TimeRange;
  /** Width of the live view (ms). */
  span: number;
}

/** A live view of `symbol` with the default interval and width. */
export function defaultView(symbol: string): ChartView {
  const span = DEFAULT_SPAN_CANDLES * intervalMs(DEFAULT_INTERVAL);
  return { symbol, interval: DEFAULT_INTERVAL, range: "live", span };
}

/**
 * `interval`, or the finest coarser one whose candles over `span` (ms) number at most what one
 * answer holds.
 */
export function intervalForSpan(span: number, interval: CandleInterval): CandleInterval {
  const start = CHART_INTERVALS.indexOf(interval);
  return CHART_INTERVALS.slice(start).find((i) => span / intervalMs(i) <= MAX_CANDLES) ??
    CHART_INTERVALS.at(-1)!;
}

/**
 * The range `view` shows: its own, or while live the `span` up to the end of what `book` read
 * (which moves as new candles are read), or up to `now` before anything of it is held.
 */
export function shownRange(view: ChartView, book: CandleBook, now: number): TimeRange {
  if (view.range !== "live") return view.range;
  const end = holds(book, view.symbol, view.interval)
    ? book.readTo
    : now + intervalMs(view.interval);
  return { from: end - view.span, to: end };
}

/**
 * `view` after the user moved the chart to `range` (by drag, wheel, pinch or keys): a zoom of a
 * live view stays live with the new width; anything else shows that range, in a coarser
 * interval when it spans more candles than one answer holds.
 */
export function movedView(view: ChartView, range: TimeRange, how: "zoom" | "pan"): ChartView {
  const span = range.to - range.from;
  const interval = intervalForSpan(span, view.interval);
  if (view.range === "live" && how === "zoom") return { ...view, interval, span };
  return { ...view, interval, range };
}

/**
 * `view` with `interval` chosen: live, the default number of its candles; over a range, the same
 * middle, narrowed to what one answer of the new interval holds and widened to the fewest a zoom
 * allows.
 */
export function withInterval(view: ChartView, interval: CandleInterval): ChartView {
  const step = intervalMs(interval);
  if (view.range === "live") return { ...view, interval, span: DEFAULT_SPAN_CANDLES * step };
  const { from, to } = view.range;
  const span = Math.min(Math.max(to - from, MIN_SPAN_CANDLES * step), MAX_CANDLES * step);
  const middle = (from + to) / 2;
  return { ...view, interval, range: { from: middle - span / 2, to: middle + span / 2 } };
}
