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

/**
 * The live events published within one short interval (`DASHBOARD_FRAME_MS`), newest per symbol
 * and panel, with their wire bytes: written to every client that keeps up as one chunk.
 */
export interface LiveFrame {
  events: readonly LiveEvent[];
  bytes: Uint8Array;
}

/** A hub's events kept for catch-up, oldest first, with the next id and the first still kept. */
export interface LiveHistory {
  history: LiveEvent[];
  nextId: number;
  firstKept: number;
}

/** Events that stand for the whole of a panel: only the newest of each is worth sending. */
export const PANEL_EVENTS: readonly LiveEventType[] = ["health", "price_alerts"];

/**
 * `waiting` with `event` added, dropping what it makes stale: the earlier update of its
 * symbol, or the earlier panel of its kind. Whale alerts and resyncs are never dropped.
 */
export function withNewest(waiting: readonly LiveEvent[], event: LiveEvent): LiveEvent[] {
  const stale = event.type === "update"
    ? (e: LiveEvent) => e.type === "update" && e.data.symbol === event.data.symbol
    : PANEL_EVENTS.includes(event.type)
    ? (e: LiveEvent) => e.type === event.type
    : undefined;
  const kept = stale && waiting.some(stale) ? waiting.filter((e) => !stale(e)) : waiting.slice();
  kept.push(event);
  return kept;
}

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
