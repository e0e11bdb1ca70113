/**
 * The one path every Server-Sent Events stream takes: the wire format, heartbeats, catch-up
 * from a last event id, and slow clients. A client that does not read gets its per-symbol
 * updates coalesced (only the newest per symbol, the newest health and the newest price alert
 * panel wait) and, past a bound of waiting whale alerts, one `resync` instead; one that reads
 * nothing for a minute is disconnected. Nothing is buffered without limit.
 */
import type { LiveHub } from "./live_hub.ts";
import { type LiveEvent, type LiveFrame, withNewest } from "../domain/live_event.ts";
import { eventsBytes } from "./live_frame.ts";

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
  /** When the hub closes, milliseconds a client not asking for more has before it is cut. */
  stopGraceMs?: number;
  /** Called once when the stream ends: cancelled by the client, cut as idle, or the hub closed. */
  onEnd?: () => void;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

/**
 * A byte stream of the hub's events for one client, at the client's pace: what waits goes out
 * when the client asks for more (the server's pull), and an event that finds it asking goes out
 * at once, without a promise of its own (with thousands of clients, each one counts).
 */
export function liveEventStream(options: LiveStreamOptions): ReadableStream<Uint8Array> {
  const {
    hub,
    lastEventId,
    heartbeatMs = 15_000,
    maxWaiting = 200,
    idleLimitMs = 60_000,
    stopGraceMs = 1_000,
  } = options;
  const onEnd = options.onEnd ?? (() => {});
  let waiting: LiveEvent[] = [];
  /** The bytes of `waiting` when it is one whole frame, shared with every client keeping up. */
  let waitingBytes: Uint8Array | undefined;
  /** When the client last asked for more. */
  let lastRead = Date.now();
  /** Whether the client has asked for more and been given nothing yet. */
  let asking = false;
  let ended = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let unsubscribe = () => {};
  let stopHeartbeat = () => {};
  /** Set once the hub has closed and the client is given a moment to ask for the rest. */
  let closing: ReturnType<typeof setTimeout> | undefined;
  /** Ends the stream once, saying why to whoever reads it. */
  const end = (how: () => void) => {
    if (ended) return;
    ended = true;
    clearTimeout(closing);
    unsubscribe();
    stopHeartbeat();
    onEnd();
    how();
  };
  const send = (bytes: Uint8Array) => {
    asking = false;
    waiting = [];
    waitingBytes = undefined;
    controller.enqueue(bytes);
  };
  const sendWaiting = () => send(waitingBytes ?? eventsBytes(waiting));
  /** What waits goes out, and the stream ends. */
  const finish = () =>
    end(() => {
      if (waiting.length > 0) controller.enqueue(waitingBytes ?? eventsBytes(waiting));
      controller.close();
    });
  /**
   * The newest event id this client has been given or said it saw: an event again (a worker
   * behind the one the client came from sends what the client had from it) is skipped.
   */
  let newest = lastEventId ?? 0;
  const add = (all: readonly LiveEvent[]) => {
    const events = all.filter((event) => event.id > newest);
    if (events.length === 0) return;
    newest = events[events.length - 1].id;
    // A client that keeps up has nothing waiting; one that never reads is let go rather than
    // served forever.
    if (waiting.length > 0 && Date.now() - lastRead > idleLimitMs) {
      return end(() => controller.error(new Error("client stopped reading")));
    }
    for (const event of events) waiting = withNewest(waiting, event);
    waitingBytes = undefined;
    if (waiting.length > maxWaiting) {
      const { id } = events[events.length - 1];
      waiting = [{ id, type: "resync", data: { reason: "client too slow" } }];
    }
    if (asking) sendWaiting();
  };
  const addFrame = (frame: LiveFrame) => {
    if (waiting.length > 0 || frame.events[0].id <= newest) return add(frame.events);
    newest = frame.events[frame.events.length - 1].id;
    if (asking) return send(frame.bytes);
    waiting = frame.events.slice();
    waitingBytes = frame.bytes;
  };
  return new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      // One timer per stream for its lifetime, not one per event: a stream quiet for half a
      // period at a tick gets a heartbeat, so an idle one hears every `heartbeatMs`.
      const heartbeat = setInterval(() => {
        if (asking && Date.now() - lastRead >= heartbeatMs / 2) send(HEARTBEAT);
      }, heartbeatMs);
      stopHeartbeat = () => clearInterval(heartbeat);
      controller.enqueue(encoder.encode(`retry: 3000\n: connected\n\n`));
      if (lastEventId !== undefined) {
        const missed = hub.since(lastEventId);
        if (missed === undefined) {
          add([{ id: hub.lastSent, type: "resync", data: { reason: "too far behind" } }]);
        } else if (missed.length > 0) add(missed);
      }
      // The dashboard is stopping: a client that reads gets what waits, and its stream ends;
      // one that does not ask within `stopGraceMs` is cut, so the server's shutdown never
      // waits on it.
      const hubClosed = () => {
        if (asking) return finish();
        closing = setTimeout(
          () => end(() => controller.error(new Error("the dashboard is stopping"))),
          stopGraceMs,
        );
      };
      unsubscribe = hub.subscribe(addFrame, hubClosed);
    },
    pull() {
      lastRead = Date.now();
      if (closing !== undefined) finish();
      else if (waiting.length > 0) sendWaiting();
      else asking = true;
    },
    cancel() {
      end(() => {});
    },
  }, { highWaterMark: 0 });
}
