/**
 * The indicators the chart draws, from `/api/indicators` over the range it shows (with a quarter
 * of it before, as a pan goes there first): read again when the range, symbol, interval or set
 * changes, so while the view is live, after each read of the newest candles. The last answer for
 * the same symbol, interval and set stays drawn while the next is read.
 */
import { useEffect, useState } from "preact/hooks";
import type { IndicatorsView } from "../domain/indicators.ts";
import { MAX_CANDLES } from "../domain/candles.ts";
import { intervalMs, type TimeRange } from "./candle_book.ts";
import type { ChartView } from "./chart_view.ts";
import { fetchJson } from "./use_live_events.ts";

/** An answer, and what it was asked for. */
interface Answer {
  of: string;
  view: IndicatorsView;
}

/** The indicators of `view` over `shown`, or undefined while none is asked for or read yet. */
export function useIndicators(view: ChartView, shown: TimeRange): IndicatorsView | undefined {
  const [answer, setAnswer] = useState<Answer>();
  const of = `${view.symbol} ${view.interval} ${view.indicators}`;
  const step = intervalMs(view.interval);
  const to = Math.ceil(shown.to);
  const from = Math.max(
    Math.floor((shown.from - (shown.to - shown.from) / 4) / step) * step,
    Math.floor(to / step) * step - (MAX_CANDLES - 1) * step,
  );
  const url = view.indicators === "" ? undefined : `/api/indicators?symbol=${view.symbol}` +
    `&interval=${view.interval}&from=${from}&to=${to}&set=${view.indicators}`;
  useEffect(() => {
    if (url === undefined) return;
    const controller = new AbortController();
    // A failed read leaves the last answer drawn; the next change reads again.
    fetchJson(url, controller.signal).then(
      (answered) => setAnswer({ of, view: answered }),
      () => {},
    );
    return () => controller.abort();
  }, [url]);
  return url !== undefined && answer?.of === of ? answer.view : undefined;
}
