/**
 * What the chart shows: a symbol's candles of one interval, either following live trades (the
 * newest `span` of time) or over a range the user moved to, with indicators; the interval follows
 * the zoom, so a view never holds more candles than one answer of `/api/candles` gives. And the
 * view as a link's query, so a copied link opens the same view.
 */
import { CANDLE_INTERVALS, type CandleInterval, MAX_CANDLES } from "../domain/candles.ts";
import { parseIndicatorSet } from "../domain/indicators.ts";
import { type CandleBook, holds, intervalMs, type TimeRange } from "./candle_book.ts";
import type { Theme } from "./theme.ts";

/** The name of the User Timing measure the chart records for each update, drawing included. */
export const CHART_UPDATE_MEASURE = "chart update";

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
  /** The indicators drawn, as `/api/indicators` takes them (`ema:20,rsi:14`); empty: none. */
  indicators: string;
}

/** A live view of `symbol` with the default interval and width. */
export function defaultView(symbol: string): ChartView {
  const span = DEFAULT_SPAN_CANDLES * intervalMs(DEFAULT_INTERVAL);
  return { symbol, interval: DEFAULT_INTERVAL, range: "live", span, indicators: "" };
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
 * (which moves as new candles are read), or up to the bucket after `now`'s before anything of it
 * is held.
 */
export function shownRange(view: ChartView, book: CandleBook, now: number): TimeRange {
  if (view.range !== "live") return view.range;
  const step = intervalMs(view.interval);
  // Before anything is held, the end of the current bucket: the same for every render in it.
  const end = holds(book, view.symbol, view.interval)
    ? book.readTo
    : Math.ceil(now / step) * step + step;
  return { from: end - view.span, to: end };
}

/**
 * `view` after the user moved the chart to `range` (by drag, wheel, pinch or keys): a zoom of a
 * live view stays live with the new width; anything else shows that range, in a coarser
 * interval when it spans more candles than one answer holds. Either way the live width becomes
 * the range's, so "back to live" keeps the zoom.
 */
export function movedView(view: ChartView, range: TimeRange, how: "zoom" | "pan"): ChartView {
  const span = range.to - range.from;
  const interval = intervalForSpan(span, view.interval);
  if (view.range === "live" && how === "zoom") return { ...view, interval, span };
  return { ...view, interval, range, span };
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
  return { ...view, interval, span, range: { from: middle - span / 2, to: middle + span / 2 } };
}

/** A view and theme as a link's query: what a copied link opens. */
export interface Linked {
  view: ChartView;
  /** Absent: the viewer's own (kept choice, else the system's). */
  theme?: Theme;
}

/**
 * The view a link's query asks for (`symbol`, `interval`, `from` and `to` or else live with
 * `span` seconds, `ind`, `theme`), each part that is missing or not understood taken from
 * `fallback`'s view. Never throws: a bad link still opens the page.
 */
export function linkedView(
  query: URLSearchParams,
  symbols: readonly string[],
  fallback: string,
): Linked {
  const view = defaultView(fallback);
  const symbol = query.get("symbol")?.toUpperCase();
  if (symbol && symbols.includes(symbol)) view.symbol = symbol;
  const interval = query.get("interval") as CandleInterval;
  if (CHART_INTERVALS.includes(interval)) {
    view.interval = interval;
    view.span = DEFAULT_SPAN_CANDLES * intervalMs(interval);
  }
  const time = (name: string) => {
    const text = query.get(name) ?? "";
    const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    return Number.isFinite(at) ? at : undefined;
  };
  const [from, to] = [time("from"), time("to")];
  const step = intervalMs(view.interval);
  if (from !== undefined && to !== undefined && to - from >= MIN_SPAN_CANDLES * step) {
    view.range = { from, to };
    view.interval = intervalForSpan(to - from, view.interval);
    view.span = to - from;
  }
  const span = Number(query.get("span")) * 1_000;
  if (view.range === "live" && span >= MIN_SPAN_CANDLES * step && span <= MAX_CANDLES * step) {
    view.span = span;
  }
  try {
    const set = query.get("ind");
    if (set) view.indicators = parseIndicatorSet(set).map((spec) => spec.key).join(",");
  } catch {
    // Not a set the API takes: no indicators.
  }
  const theme = query.get("theme");
  return { view, theme: theme === "dark" || theme === "light" ? theme : undefined };
}

/** The query of a link to `linked`, readable: times in ISO 8601, the live width in seconds. */
export function linkQuery({ view, theme }: Linked): string {
  const query = new URLSearchParams({ symbol: view.symbol, interval: view.interval });
  if (view.range === "live") query.set("span", String(Math.round(view.span / 1_000)));
  else {
    query.set("from", new Date(Math.round(view.range.from)).toISOString());
    query.set("to", new Date(Math.round(view.range.to)).toISOString());
  }
  if (view.indicators) query.set("ind", view.indicators);
  if (theme) query.set("theme", theme);
  // Commas and colons read better unescaped, and are safe in a query.
  return query.toString().replaceAll("%2C", ",").replaceAll("%3A", ":");
}
