/**
 * The candles the chart holds for one symbol and interval, and which range of `/api/candles` to
 * read next: older ones when the view reaches before what is held, newer ones when it reaches
 * after, the newest again while it follows live trades, and everything afresh when the view
 * jumps far from what is held. Pure: the page's hook does the reading.
 */
import type { Candle } from "../domain/dashboard_views.ts";
import { CANDLE_INTERVALS, type CandleInterval, MAX_CANDLES } from "../domain/candles.ts";

/** What is held: candles oldest first, and the span of time that was read (epoch ms). */
export interface CandleBook {
  symbol: string;
  interval: CandleInterval;
  candles: Candle[];
  /** Every bucket starting in `[readFrom, readTo)` has been read: held, or had no trades. */
  readFrom: number;
  readTo: number;
}

/** A range of time (epoch ms) the chart shows or reads. */
export interface TimeRange {
  from: number;
  to: number;
}

/** What to read next, and whether it replaces what is held or adds to it. */
export interface CandleRead extends TimeRange {
  symbol: string;
  interval: CandleInterval;
  /** `fresh`: the view jumped, or symbol or interval changed; start a new book. */
  kind: "fresh" | "older" | "newer";
}

/**
 * Most candles held while new ones keep coming: past it the oldest are let go, so a page left
 * open on 1-second candles does not grow without end, and each update plots a bounded list. It is
 * more than the widest view reads: 5,000 candles and 1,250 on each side.
 */
export const MAX_HELD = 10_000;

/** Milliseconds of one candle of `interval`. */
export function intervalMs(interval: CandleInterval): number {
  return CANDLE_INTERVALS[interval] * 1_000;
}

/** An empty book. */
export function emptyBook(symbol: string, interval: CandleInterval): CandleBook {
  return { symbol, interval, candles: [], readFrom: 0, readTo: 0 };
}

/**
 * The read that brings `view` into `book` with a margin of half a view on each side (at most the
 * candles one answer holds), or undefined when it is already held. `now` bounds what can be read.
 */
export function nextRead(
  book: CandleBook,
  symbol: string,
  interval: CandleInterval,
  view: TimeRange,
  now: number,
): CandleRead | undefined {
  const step = intervalMs(interval);
  const most = (MAX_CANDLES - 1) * step;
  const margin = Math.min((view.to - view.from) / 2, most / 4);
  const end = Math.min(view.to + margin, now + step);
  const start = Math.min(view.from - margin, end - step);
  const read = { symbol, interval };
  if (!holds(book, symbol, interval) || end < book.readFrom || start > book.readTo) {
    return { ...read, kind: "fresh", from: Math.max(start, end - most), to: end };
  }
  if (view.from < book.readFrom) {
    const from = Math.max(start, book.readFrom - most);
    return { ...read, kind: "older", from, to: book.readFrom };
  }
  if (view.to > book.readTo && book.readTo < now) {
    const to = Math.min(end, book.readTo + most);
    return { ...read, kind: "newer", from: book.readTo, to };
  }
  return undefined;
}

/** Whether `book` holds a read of `symbol`'s candles of `interval`. */
export function holds(book: CandleBook, symbol: string, interval: CandleInterval): boolean {
  return book.symbol === symbol && book.interval === interval && book.readTo > book.readFrom;
}

/**
 * The read that refreshes the newest candle and adds any after it, while the view follows live
 * trades: from the start of the newest held bucket (it may still be growing) to now.
 */
export function newestRead(book: CandleBook, now: number): CandleRead {
  const step = intervalMs(book.interval);
  const newest = book.candles.at(-1);
  const from = newest ? Math.max(Date.parse(newest.time), book.readFrom) : book.readTo;
  const to = now + step;
  const most = (MAX_CANDLES - 1) * step;
  const read = { symbol: book.symbol, interval: book.interval, to };
  // After a silence longer than one answer holds, the newest stretch starts a new book.
  if (to - from > most) return { ...read, kind: "fresh", from: to - most };
  return { ...read, kind: "newer", from: Math.min(from, now) };
}

/**
 * `book` after `read` answered `candles` (oldest first, as the API answers); unchanged when the
 * book moved on to another symbol or interval while it was read. Past {@link MAX_HELD}, newer
 * candles push out the oldest.
 */
export function withRead(book: CandleBook, read: CandleRead, candles: Candle[]): CandleBook {
  const { symbol, interval } = read;
  if (read.kind === "fresh") {
    return { symbol, interval, candles, readFrom: read.from, readTo: read.to };
  }
  if (!holds(book, symbol, interval)) return book;
  const merged = mergeCandles(book.candles, candles);
  const readTo = Math.max(book.readTo, read.to);
  if (merged.length <= MAX_HELD || read.kind === "older") {
    return { ...book, candles: merged, readFrom: Math.min(book.readFrom, read.from), readTo };
  }
  const kept = merged.slice(-MAX_HELD);
  return { ...book, candles: kept, readFrom: Date.parse(kept[0].time), readTo };
}

/**
 * `held` and `fresh` (each oldest first) as one list oldest first; a fresh candle replaces a held
 * one of the same bucket, as the newest candle grows.
 */
export function mergeCandles(held: Candle[], fresh: Candle[]): Candle[] {
  if (fresh.length === 0) return held;
  if (held.length === 0) return fresh;
  const firstFresh = Date.parse(fresh[0].time);
  const lastFresh = Date.parse(fresh.at(-1)!.time);
  if (lastFresh < Date.parse(held[0].time)) return [...fresh, ...held];
  if (firstFresh >= Date.parse(held[0].time)) {
    // The usual case: newer candles, maybe replacing the newest held ones.
    const keep = held.findLastIndex((candle) => Date.parse(candle.time) < firstFresh) + 1;
    const after = held.slice(keep).filter((candle) => Date.parse(candle.time) > lastFresh);
    return [...held.slice(0, keep), ...fresh, ...after];
  }
  const byTime = new Map(held.map((candle) => [candle.time, candle]));
  for (const candle of fresh) byTime.set(candle.time, candle);
  return [...byTime.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}
