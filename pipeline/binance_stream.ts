/**
 * One WebSocket connection to Binance carrying the trade streams of every symbol, kept alive:
 * reconnects with backoff and jitter after a close or error, replaces a connection that has
 * gone silent, and renews it before Binance's 24-hour cut (or on `serverShutdown`) by opening
 * the next connection before closing the old one.
 */
import type { Logger } from "../runtime/log.ts";
import { backoffDelay, type BackoffOptions } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";
import { type Clock, systemClock, type TimerId } from "../domain/clock.ts";
import { tradeStreamUrl } from "../domain/binance_frame.ts";
import type { Stoppable } from "../runtime/stoppable.ts";

/** What {@link BinanceStream} needs. */
export interface BinanceStreamOptions {
  /** Base URL such as `wss://stream.binance.com:9443` (no `/ws` or `/stream`). */
  baseUrl: string;
  symbols: readonly string[];
  /**
   * Replace the connection after this long without a frame; a renewal that delivers nothing
   * for this long is abandoned.
   */
  silenceTimeoutMs: number;
  /** Renew the connection after this long. */
  maxAgeMs: number;
  /** Called for every text frame, with the time it arrived (epoch ms). */
  onFrame: (frame: string, receivedAt: number) => void;
  log: Logger;
  /** Time and timers for silence, age and backoff; tests pass a fake one. */
  clock?: Clock;
  /** The jitter of the backoff, a number in [0, 1) like `Math.random`. */
  random?: () => number;
}

// Reconnects and renewals share one pace: Binance allows 300 connection attempts per 5 minutes.
const ATTEMPT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };
// How long `stop` waits for close handshakes, in real time whatever the clock: a dead link may
// never finish one.
const CLOSE_WAIT_MS = 1_000;

/**
 * A self-healing trade stream. Call {@link BinanceStream.start} once, `stop` to end.
 *
 * Frames are taken from the current connection only. A renewal becomes current with its first
 * frame and the old connection is closed, its late frames dropped: a trade both delivered may
 * come twice (the consumer stores it once), and one only the old one would still have delivered
 * shows as a gap in trade ids, which the producer recovers over REST.
 */
export class BinanceStream implements Stoppable {
  /** Connections that took over after the first one. */
  reconnects = 0;
  /** Times the current connection closed, failed or went silent. */
  disconnects = 0;
  /** When `connected` last changed (epoch ms on the stream's clock), 0 before the first open. */
  connectedChangedAt = 0;
  #connected = false;
  readonly #options: BinanceStreamOptions;
  readonly #url: string;
  /** Every socket opened and not yet closed, with the promise of its close. */
  readonly #sockets = new Map<WebSocket, Promise<void>>();
  #current?: WebSocket;
  #renewing?: WebSocket;
  #renewalStartedAt = 0;
  #failures = 0;
  #renewalFailures = 0;
  #noRenewalBefore = 0;
  #lastFrameAt = 0;
  #openedAt = 0;
  #stopped = false;
  #watchdog?: TimerId;
  #retryTimer?: TimerId;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: BinanceStreamOptions) {
    this.#options = options;
    this.#url = tradeStreamUrl(options.baseUrl, options.symbols);
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /** Opens the first connection and starts watching for silence and age. */
  start(): void {
    this.#connect();
    this.#watchdog = this.#clock.setInterval(
      () => this.#watch(),
      Math.min(1_000, this.#options.silenceTimeoutMs),
    );
  }

  /**
   * Opens a fresh connection now, keeping the current one until the new one delivers. Does
   * nothing while a renewal is under way, no connection is open, or a failed renewal is
   * being backed off (the watchdog asks again when the age limit still calls for it).
   */
  renew(reason: string): void {
    if (this.#stopped || this.#renewing || !this.#connected) return;
    if (this.#clock.now() < this.#noRenewalBefore) return;
    this.#options.log.info("renewing connection", { reason });
    this.#renewalStartedAt = this.#clock.now();
    this.#renewing = this.#open();
  }

  /**
   * Closes every connection and cancels every timer; no reconnect follows. Resolves once the
   * connections have closed, or after a second when a close handshake does not finish.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#setConnected(false);
    this.#clock.clearInterval(this.#watchdog);
    this.#clock.clearTimeout(this.#retryTimer);
    const closed = [...this.#sockets.values()];
    for (const socket of this.#sockets.keys()) socket.close(1000, "producer stopping");
    const waited = new AbortController();
    await Promise.race([Promise.all(closed), sleep(CLOSE_WAIT_MS, waited.signal)]);
    waited.abort();
  }

  /** Stops, as `await using` does at the end of its scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #connect(): void {
    if (this.#stopped) return;
    // A connection attempt that hangs counts as silence too.
    this.#lastFrameAt = this.#clock.now();
    this.#current = this.#open();
  }

  #open(): WebSocket {
    const { log, onFrame } = this.#options;
    const socket = new WebSocket(this.#url);
    this.#sockets.set(
      socket,
      new Promise((resolve) => socket.addEventListener("close", () => resolve(), { once: true })),
    );
    let delivered = false;
    socket.onopen = () => {
      if (this.#stopped) return;
      log.info("connected", { url: this.#url, renewal: socket === this.#renewing });
      if (socket === this.#current) {
        this.#setConnected(true);
        this.#openedAt = this.#clock.now();
      }
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== "string" || this.#stopped) return;
      const now = this.#clock.now();
      if (!delivered) {
        delivered = true;
        this.#failures = 0;
        if (socket === this.#renewing) {
          this.#renewalFailures = 0;
          this.#promote(socket)?.close(1000, "renewed");
          log.info("renewal took over");
        }
      }
      if (socket !== this.#current) return;
      this.#lastFrameAt = now;
      onFrame(message.data, now);
    };
    socket.onerror = (event) => {
      if (this.#stopped) return;
      log.warn("connection error", { error: (event as ErrorEvent).message ?? "unknown" });
    };
    socket.onclose = (event) => {
      this.#sockets.delete(socket);
      if (this.#stopped) return;
      const fields = { code: event.code, reason: event.reason };
      if (socket === this.#renewing) {
        this.#renewing = undefined;
        this.#renewalFailed("renewal connection closed", fields);
      } else if (socket === this.#current) {
        this.#reconnectLater("connection closed", fields);
      }
    };
    return socket;
  }

  /** Leaves the current connection: a renewal under way takes over, else a retry is scheduled. */
  /** Whether the current connection is open. */
  get connected(): boolean {
    return this.#connected;
  }

  #setConnected(connected: boolean): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.connectedChangedAt = this.#clock.now();
  }

  #reconnectLater(why: string, fields: Record<string, unknown>): void {
    this.disconnects++;
    const renewal = this.#renewing;
    if (renewal) {
      this.#options.log.warn(`${why}; switching to the renewal connection`, fields);
      this.#promote(renewal);
      return;
    }
    this.#current = undefined;
    this.#setConnected(false);
    const delay = backoffDelay(this.#failures++, ATTEMPT_BACKOFF, this.#random);
    this.#options.log.warn(`${why}; reconnecting`, { ...fields, delayMs: delay });
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      this.reconnects++;
      this.#connect();
    }, delay);
  }

  /** Makes `socket` the current connection; returns the one it replaces, for the caller to close. */
  #promote(socket: WebSocket): WebSocket | undefined {
    const old = this.#current;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#current = socket;
    this.#renewing = undefined;
    this.#openedAt = this.#clock.now();
    this.#lastFrameAt = this.#clock.now();
    // A renewal taken over before it opened becomes connected in its `onopen`.
    this.#setConnected(socket.readyState === WebSocket.OPEN);
    this.reconnects++;
    return old;
  }

  #renewalFailed(why: string, fields: Record<string, unknown>): void {
    const delay = backoffDelay(this.#renewalFailures++, ATTEMPT_BACKOFF, this.#random);
    this.#noRenewalBefore = this.#clock.now() + delay;
    this.#options.log.warn(`${why}; renewing later`, { ...fields, delayMs: delay });
  }

  #watch(): void {
    if (this.#stopped || !this.#current) return;
    const now = this.#clock.now();
    const { silenceTimeoutMs, maxAgeMs } = this.#options;
    const renewal = this.#renewing;
    if (now - this.#lastFrameAt > silenceTimeoutMs) {
      // A dead link may never finish the close handshake: abandon it, do not wait for onclose.
      const silent = this.#current;
      this.#reconnectLater("connection silent", { silentMs: now - this.#lastFrameAt });
      silent.close(4000, "silent");
    } else if (renewal && now - this.#renewalStartedAt > silenceTimeoutMs) {
      this.#renewing = undefined;
      renewal.close(4000, "silent");
      this.#renewalFailed("renewal connection silent", { silentMs: now - this.#renewalStartedAt });
    } else if (this.#connected && now - this.#openedAt > maxAgeMs) {
      this.renew("connection age");
    }
  }
}
