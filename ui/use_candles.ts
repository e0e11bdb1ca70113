/**
 * The chart's candles, read from `/api/candles` as the view needs them: what the view shows with
 * a margin, older or newer ones as the user moves it, and while it is live the newest again on
 * each `refresh`. Reads run one at a time, in order, so each starts from what the last one left.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import {
  type CandleBook,
  type CandleRead,
  emptyBook,
  holds,
  newestRead,
  nextRead,
  type TimeRange,
  withRead,
} from "./candle_book.ts";
import { type ChartView, shownRange } from "./chart_view.ts";
import { fetchJson } from "./use_live_events.ts";

/** The candles held, the range the view shows, and how to bring the newest in. */
export interface Candles {
  book: CandleBook;
  /** See `shownRange`: while live, it moves as newer candles are read. */
  shown: TimeRange;
  /** Reads what the view lacks, then, while it is live, the newest candles again. */
  refresh: () => Promise<void>;
}

/**
 * Keeps `view`'s candles; `onAnswer` is told whether each read was answered (false: the
 * database or the network failed; the next refresh retries).
 */
export function useCandles(view: ChartView, onAnswer: (answered: boolean) => void): Candles {
  const [book, setBook] = useState(() => emptyBook(view.symbol, view.interval));
  const shown = shownRange(view, book, Date.now());
  const held = useRef(book);
  const queue = useRef(Promise.resolve());
  const latest = useRef({ view, shown, onAnswer });
  latest.current = { view, shown, onAnswer };

  /** Runs the reads `plan` asks for, one after the other, until it asks for none. */
  const enqueue = (plan: (book: CandleBook) => CandleRead | undefined) => {
    queue.current = queue.current.then(async () => {
      try {
        for (let read = plan(held.current); read; read = plan(held.current)) {
          const { symbol, interval, from, to } = read;
          const query = `symbol=${symbol}&interval=${interval}&from=${Math.floor(from)}` +
            `&to=${Math.ceil(to)}`;
          const { candles } = await fetchJson(`/api/candles?${query}`);
          held.current = withRead(held.current, read, candles);
          setBook(held.current);
          latest.current.onAnswer(true);
        }
      } catch {
        latest.current.onAnswer(false);
      }
    });
  };
  /** What the view lacks now, as its latest props have it. */
  const lacking = (book: CandleBook) => {
    const { view, shown } = latest.current;
    return nextRead(book, view.symbol, view.interval, shown, Date.now());
  };

  useEffect(() => enqueue(lacking), [
    view.symbol,
    view.interval,
    Math.floor(shown.from),
    Math.ceil(shown.to),
  ]);

  return {
    book,
    shown,
    refresh: () => {
      enqueue(lacking);
      let newestDone = false;
      enqueue((book) => {
        const { view } = latest.current;
        if (newestDone || view.range !== "live" || !holds(book, view.symbol, view.interval)) {
          return undefined;
        }
        newestDone = true;
        return newestRead(book, Date.now());
      });
      return queue.current;
    },
  };
}
