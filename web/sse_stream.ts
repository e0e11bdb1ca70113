/**
 * The one path every Server-Sent Events stream takes: the wire format, heartbeats, catch-up
 * from a last event id, and slow clients. A client that does not read gets its per-symbol
 * updates coalesced (only the newest per symbol, the newest health and the newest price alert
 * panel wait) and, past a bound of waiting whale alerts, one `resync` instead; one that reads
 * nothing for a minute is disconnected. Nothing is buffered without limit.
 */
import { type LiveHub, PANEL_EVENTS } from "./live_hub.ts";
import { formatLiveEvent, type LiveEvent } from "../domain/live_event.ts";

/** Options of {@link liveEventStream}. */
export interface LiveStreamOptions {
  hub: LiveHub;
  /** The last event the client saw (`Last-Event-ID` or `since`); undefined for a new client. */
  lastEventId?: number;
  /** Milliseconds between heartbeat comments. */
  heartbeatMs?: number;
  /** Whale alerts that may wait for a slow client before it is told to resync. */
  maxWaiting?: number;
  /** A client that has read nothing for this long while events wait is disconnected. */
  idleLimitMs?: number;
  /** Called once when the stream ends: cancelled by the client, or cut as idle. */
  onEnd?: () => void;
}

const encoder = new TextEncoder();
/** Each event's bytes, made once however many clients it goes to. */
const encoded = new WeakMap<LiveEvent, Uint8Array>();

function eventBytes(event: LiveEvent): Uint8Array {
  let bytes = encoded.get(event);
  if (!bytes) encoded.set(event, bytes = encoder.encode(formatLiveEvent(event)));
  return bytes;
}

const HEARTBEAT = encoder.encode(": heartbeat\n\n");

/** A byte stream of the hub's events for one client, pulled at the client's pace. */
export function liveEventStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { hub, lastEventId, heartbeatMs = 15_000, maxWaiting = 200, idleLimitMs = 60_000 } =
    options;
  const onEnd = options.onEnd ?? (() => {});
  let waiting: LiveEvent[] = [];
  let lastRead = Date.now();
  let close = () => {};
  let wake: (() => void) | undefined;
  let unsubscribe = () => {};
  let stopHeartbeat = () => {};
  let heartbeatDue = false;
  let cancelled = false;
  const add = (event: LiveEvent) => {
    // A client that keeps up has nothing waiting; one that never reads is let go rather than
    // served forever.
    if (waiting.length > 0) {
      if (Date.now() - lastRead > idleLimitMs) return close();
      if (event.type === "update") {
        const { symbol } = event.data;
        waiting = waiting.filter((e) => !(e.type === "update" && e.data.symbol === symbol));
      } else if (PANEL_EVENTS.includes(event.type)) {
        waiting = waiting.filter((e) => e.type !== event.type);
      }
    }
    waiting.push(event);
    if (waiting.length > maxWaiting) {
      waiting = [{ id: event.id, type: "resync", data: { reason: "client too slow" } }];
    }
    wake?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // One timer per stream for its lifetime, not one per event: a stream quiet for half a
      // period at a tick gets a heartbeat, so an idle one hears every `heartbeatMs`.
      const heartbeat = setInterval(() => {
        if (Date.now() - lastRead < heartbeatMs / 2) return;
        heartbeatDue = true;
        wake?.();
      }, heartbeatMs);
      stopHeartbeat = () => clearInterval(heartbeat);
      close = () => {
        unsubscribe();
        stopHeartbeat();
        onEnd();
        controller.error(new Error("client stopped reading"));
      };
      controller.enqueue(encoder.encode(`retry: 3000\n: connected\n\n`));
      if (lastEventId !== undefined) {
        const missed = hub.since(lastEventId);
        if (missed === undefined) {
          add({ id: hub.nextId - 1, type: "resync", data: { reason: "too far behind" } });
        } else missed.forEach(add);
      }
      unsubscribe = hub.subscribe(add);
    },
    async pull(controller) {
      while (waiting.length === 0 && !heartbeatDue && !cancelled) {
        await new Promise<void>((resolve) => wake = resolve);
        wake = undefined;
      }
      if (cancelled) return;
      heartbeatDue = false;
      lastRead = Date.now();
      if (waiting.length === 0) controller.enqueue(HEARTBEAT);
      else controller.enqueue(joined(waiting.map(eventBytes)));
      waiting = [];
    },
    cancel() {
      cancelled = true;
      unsubscribe();
      stopHeartbeat();
      onEnd();
      wake?.();
    },
  }, { highWaterMark: 0 });
}

function joined(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}
