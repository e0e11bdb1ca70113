/**
 * What the chart marks on the price pane besides candles: the whale trades (when the user shows
 * them) and the alerts users' price rules fired, over the range shown. Read from `/api/whales`
 * and `/api/price-alerts` when the range moves by a quarter of itself (a live view that slides
 * reads again only that often), with the ones the stream brought since added.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { MAX_LIMIT, type PriceAlertView, type TradeView } from "../domain/dashboard_views.ts";
import type { TimeRange } from "./candle_book.ts";
import { fetchJson } from "./use_live_events.ts";

/** The marks of one symbol. */
export interface ChartMarks {
  whales: TradeView[];
  alerts: PriceAlertView[];
}

/** What the stream brought: the newest whale trades and alerts of every symbol. */
export interface LiveMarks {
  whales: TradeView[];
  alerts: PriceAlertView[];
}

/** The marks of `symbol` over `shown`; whale trades only when `showWhales`. */
export function useChartMarks(
  symbol: string,
  shown: TimeRange,
  live: boolean,
  showWhales: boolean,
  streamed: LiveMarks,
): ChartMarks {
  const [read, setRead] = useState<ChartMarks & { symbol: string }>();
  const quarter = Math.max((shown.to - shown.from) / 4, 1);
  const since = Math.floor(shown.from / quarter) * quarter;
  // While live, newer marks come by the stream: no upper bound to move with it.
  const until = live ? undefined : Math.ceil(shown.to / quarter) * quarter;
  const range = `symbol=${symbol}&since=${Math.floor(since)}` +
    (until === undefined ? "" : `&until=${Math.ceil(until)}`) + `&limit=${MAX_LIMIT}`;
  const within = (iso: string) => {
    const at = Date.parse(iso);
    return at > since && (until === undefined || at < until);
  };
  const inRange = {
    whales: streamed.whales.filter((whale) => within(whale.tradeTime)),
    alerts: streamed.alerts.filter((alert) => within(alert.time)),
  };
  // What the stream brings is kept with the last read until the next one, as the stream's own
  // lists keep only the newest few.
  useEffect(() => {
    setRead((held) =>
      held && {
        ...held,
        whales: unique(held.whales, inRange.whales, held.symbol, whaleKey),
        alerts: unique(held.alerts, inRange.alerts, held.symbol, (alert) => alert.id),
      }
    );
  }, [streamed.whales, streamed.alerts]);
  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      showWhales ? fetchJson(`/api/whales?${range}`, controller.signal) : { whales: [] },
      fetchJson(`/api/price-alerts?${range}`, controller.signal),
    ]).then(
      ([whales, alerts]) => setRead({ symbol, whales: whales.whales, alerts: alerts.alerts }),
      // A failed read leaves the last marks drawn; the next move reads again.
      () => {},
    );
    return () => controller.abort();
  }, [range, showWhales]);
  return useMemo(() => {
    const held = read?.symbol === symbol ? read : { whales: [], alerts: [] };
    return {
      whales: showWhales ? unique(held.whales, inRange.whales, symbol, whaleKey) : [],
      alerts: unique(held.alerts, inRange.alerts, symbol, (alert) => alert.id),
    };
  }, [read, streamed.whales, streamed.alerts, symbol, showWhales, since, until]);
}

/** `read` and the `symbol`'s ones of `streamed` (those of the range), each once. */
function unique<T extends { symbol: string }>(
  read: T[],
  streamed: T[],
  symbol: string,
  key: (item: T) => string,
): T[] {
  const all = new Map(read.map((item) => [key(item), item]));
  for (const item of streamed) if (item.symbol === symbol) all.set(key(item), item);
  return [...all.values()];
}

/** A whale trade's key. */
function whaleKey(trade: TradeView): string {
  return trade.tradeId;
}
