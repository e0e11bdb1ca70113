/**
 * The events of `/api/stream` (Server-Sent Events), one definition for the server that writes
 * them and the island that reads them.
 */
import type { HealthView, PriceAlertsView, SymbolSummary, TradeView } from "./dashboard_views.ts";

/**
 * One live event. `update`: a symbol's figures after a committed batch; `whale`: a newly stored
 * whale trade, with its trade id; `resync`: events may have been missed, reload the figures;
 * `health`: the pipeline's alerts, components and gaps, after any of them changed;
 * `price_alerts`: the users' price rules and newest alerts, after a rule fired or changed.
 */
export type LiveEvent =
  | { id: number; type: "update"; data: SymbolSummary }
  | { id: number; type: "whale"; data: TradeView }
  | { id: number; type: "resync"; data: { reason: string } }
  | { id: number; type: "health"; data: HealthView }
  | { id: number; type: "price_alerts"; data: PriceAlertsView };

/** The event names. */
export type LiveEventType = LiveEvent["type"];

/** What an event of `type` carries. */
export type LiveEventData<T extends LiveEventType> = Extract<LiveEvent, { type: T }>["data"];

/** Formats one event in the SSE wire format. */
export function formatLiveEvent(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * The `data` of an event of `type` as the browser's EventSource hands it over, parsed as JSON
 * and trusted to be what {@link formatLiveEvent} wrote: nothing is checked, as the server and
 * the island ship together from one tree.
 */
export function trustedLiveEventData<T extends LiveEventType>(
  _type: T,
  data: string,
): LiveEventData<T> {
  return JSON.parse(data) as LiveEventData<T>;
}
