/**
 * The fan-out point of the live stream: every event gets an id and a place in a short history,
 * so a reconnecting client can catch up from its last event id, and the events published within
 * one frame go to every client together, encoded once. In a dashboard worker the hub receives
 * the frames of the process's hub instead (`receive`), ids and all.
 */
import {
  type LiveEvent,
  type LiveEventData,
  type LiveEventType,
  type LiveFrame,
  type LiveHistory,
  PANEL_EVENTS,
  withNewest,
} from "../domain/live_event.ts";
import { eventsBytes } from "./live_frame.ts";

/** Events kept for catch-up. */
const HISTORY = 2_000;

/** Options of a {@link LiveHub}. */
export interface LiveHubOptions {
  /**
   * Milliseconds an event may wait for others to share its frame (`DASHBOARD_FRAME_MS`); the
   * first event of a frame waits this long at most. 0 sends each burst at the next turn.
   */
  frameMs?: number;
  /**
   * The first event's id. By default the start time in hundredths of a millisecond: a browser
   * coming back after a restart with the last id it saw asks for one below every id the new hub
   * gives, so it is told to resync rather than skip events (unless the process before published
   * over 100,000 events a second); ids stay within the 15 digits `Last-Event-ID` accepts.
   */
  firstId?: number;
}

/** The fan-out point; `startLiveFeed` fills one from the database. */
export class LiveHub {
  #listening = false;
  readonly #listeningWatchers = new Set<(listening: boolean) => void>();
  readonly #frameMs: number;
  readonly #history: LiveEvent[] = [];
  readonly #clients = new Map<(frame: LiveFrame) => void, () => void>();
  #nextId: number;
  /** The first event id a client can still catch up from. */
  #firstKept: number;
  /** The events of the frame being gathered. */
  #framed: LiveEvent[] = [];
  #frameTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #published = 0;

  constructor(options: LiveHubOptions = {}) {
    this.#frameMs = options.frameMs ?? 5;
    this.#nextId = this.#firstKept = options.firstId ?? Date.now() * 100;
  }

  /** Whether the LISTEN connection is up. */
  get listening(): boolean {
    return this.#listening;
  }

  set listening(listening: boolean) {
    if (listening === this.#listening) return;
    this.#listening = listening;
    for (const watch of this.#listeningWatchers) watch(listening);
  }

  /** Calls `watch` whenever {@link listening} changes, until the returned function is called. */
  watchListening(watch: (listening: boolean) => void): () => void {
    this.#listeningWatchers.add(watch);
    return () => this.#listeningWatchers.delete(watch);
  }

  /**
   * Calls `deliver` with every frame until the returned function is called, and `closed` once
   * if the hub closes first.
   */
  subscribe(deliver: (frame: LiveFrame) => void, closed: () => void = () => {}): () => void {
    if (this.#closed) {
      closed();
      return () => {};
    }
    this.#clients.set(deliver, closed);
    return () => this.#clients.delete(deliver);
  }

  /**
   * Sends the frame being gathered, then ends every subscription, and any made later at once:
   * the dashboard is stopping.
   */
  close(): void {
    this.flush();
    this.#closed = true;
    const closed = [...this.#clients.values()];
    this.#clients.clear();
    for (const close of closed) close();
  }

  /** Clients connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Events published since the hub started (in a worker, none: it receives them). */
  get published(): number {
    return this.#published;
  }

  /** The id of the newest event sent out (kept for catch-up), or just below the first id. */
  get lastSent(): number {
    return this.#history.at(-1)?.id ?? this.#firstKept - 1;
  }

  /** Events after `lastId`, or undefined when some of them are no longer kept. */
  since(lastId: number): LiveEvent[] | undefined {
    if (lastId >= this.#nextId - 1) return [];
    if (lastId + 1 < this.#firstKept) return undefined;
    return this.#history.filter((event) => event.id > lastId);
  }

  /**
   * Adds a new event to the frame being gathered, which goes out when it ends. It is kept for
   * catch-up from then on: a client never gets it both from the history and in its frame.
   */
  publish<T extends LiveEventType>(type: T, data: LiveEventData<T>): void {
    const event = { id: this.#nextId++, type, data } as LiveEvent;
    this.#published++;
    this.#framed = withNewest(this.#framed, event);
    this.#frameTimer ??= setTimeout(() => this.#flush(), this.#frameMs);
  }

  /** The events kept for catch-up, oldest first, and the ids around them: what a worker's hub starts from. */
  snapshot(): LiveHistory {
    return { history: this.#history.slice(), nextId: this.#nextId, firstKept: this.#firstKept };
  }

  /** Starts from another hub's {@link snapshot}, before any frame of that hub is received. */
  restore(snapshot: LiveHistory): void {
    this.#history.splice(0, Infinity, ...snapshot.history);
    this.#nextId = snapshot.nextId;
    this.#firstKept = snapshot.firstKept;
  }

  /** Records a frame made by another hub (the process's, in a worker) and sends it on at once. */
  receive(frame: LiveFrame): void {
    for (const event of frame.events) this.#record(event);
    for (const deliver of this.#clients.keys()) deliver(frame);
  }

  /** Sends the frame being gathered now, if any. */
  flush(): void {
    clearTimeout(this.#frameTimer);
    this.#flush();
  }

  #flush(): void {
    this.#frameTimer = undefined;
    if (this.#framed.length === 0) return;
    const events = this.#framed;
    this.#framed = [];
    for (const event of events) this.#record(event);
    const frame = { events, bytes: eventsBytes(events) };
    for (const deliver of this.#clients.keys()) deliver(frame);
  }

  /**
   * Adds an event to the history. A panel event replaces the one before it: a client catching
   * up needs only the newest, and a panel can be large.
   */
  #record(event: LiveEvent): void {
    this.#nextId = Math.max(this.#nextId, event.id + 1);
    if (PANEL_EVENTS.includes(event.type)) {
      const older = this.#history.findIndex((e) => e.type === event.type);
      if (older >= 0) this.#history.splice(older, 1);
    }
    this.#history.push(event);
    if (this.#history.length > HISTORY) this.#firstKept = this.#history.shift()!.id + 1;
  }
}
