/**
 * The one path every Server-Sent Events stream takes: the wire format, heartbeats, catch-up
 * from a last event id, and slow clients. A client that does not read gets its per-symbol
 * updates coalesced (only the newest per symbol, the newest health and the newest price alert
 * panel wait) and, past a bound of waiting whale alerts, one `resync` instead; one that reads
 * nothing for a minute is disconnected. Nothing is buffered without limit.
 */
import type { LiveHub } from "./live_hub.ts";
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
}

const encoder = new TextEncoder();

/** A byte stream of the hub's events for one client, pulled at the client's pace. */
export function liveEventStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { hub, lastEventId, heartbeatMs = 15_000, maxWaiting = 200, idleLimitMs = 60_000 } =
    options;
  let waiting: LiveEvent[] = [];
  let lastRead = Date.now();
  let close = () => {};
  let wake: (() => void) | undefined;
  let unsubscribe = () => {};
  const add = (event: LiveEvent) => {
    // A client that never reads is let go rather than served forever.
    if (waiting.length > 0 && Date.now() - lastRead > idleLimitMs) return close();
    if (event.type === "update") {
      const { symbol } = event.data;
      waiting = waiting.filter((e) => !(e.type === "update" && e.data.symbol === symbol));
    } else if (event.type === "health" || event.type === "price_alerts") {
      waiting = waiting.filter((e) => e.type !== event.type);
    }
    waiting.push(event);
    if (waiting.length > maxWaiting) {
      waiting = [{ id: event.id, type: "resync", data: { reason: "client too slow" } }];
    }
    wake?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      close = () => {
        unsubscribe();
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
      if (waiting.length === 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, heartbeatMs);
        });
        clearTimeout(timer);
        wake = undefined;
      }
      lastRead = Date.now();
      const text = waiting.length === 0 ? ": heartbeat\n\n" : waiting.map(formatLiveEvent).join("");
      waiting = [];
      controller.enqueue(encoder.encode(text));
    },
    cancel() {
      unsubscribe();
      wake?.();
    },
  }, { highWaterMark: 0 });
}
