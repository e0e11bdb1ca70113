/**
 * One WebSocket connection to Binance carrying the trade streams of every symbol, kept alive:
 * reconnects with backoff and jitter after a close or error, replaces a connection that has
 * gone silent, and renews it before Binance's 24-hour cut (or on `serverShutdown`) by opening
 * the next connection before closing the old one, so no trade falls in between.
 */
import type { Logger } from "./log.ts";
import { backoffDelay } from "./backoff.ts";

/** What {@link BinanceStream} needs. */
export interface BinanceStreamOptions {
  /** Base URL such as `wss://stream.binance.com:9443` (no `/ws` or `/stream`). */
  baseUrl: string;
  symbols: readonly string[];
  /** Replace the connection after this long without a frame. */
  silenceTimeoutMs: number;
  /** Renew the connection after this long. */
  maxAgeMs: number;
  /** Called for every text frame, with the time it arrived (epoch ms). */
  onFrame: (frame: string, receivedAt: number) => void;
  log: Logger;
}

/** The combined-stream URL for the trade streams of `symbols`. */
export function tradeStreamUrl(baseUrl: string, symbols: readonly string[]): string {
  const streams = symbols.map((symbol) => `${symbol.toLowerCase()}@trade`).join("/");
  return `${baseUrl}/stream?streams=${streams}`;
}

/** A self-healing trade stream. Call {@link BinanceStream.start} once, `stop` to end. */
export class BinanceStream {
  /** Connections opened after the first one. */
  reconnects = 0;
  /** Whether a connection is open now. */
  connected = false;
  readonly #options: BinanceStreamOptions;
  readonly #url: string;
  #current?: WebSocket;
  #renewing?: WebSocket;
  #failures = 0;
  #lastFrameAt = 0;
  #openedAt = 0;
  #stopped = false;
  #watchdog?: ReturnType<typeof setInterval>;
  #retryTimer?: ReturnType<typeof setTimeout>;

  constructor(options: BinanceStreamOptions) {
    this.#options = options;
    this.#url = tradeStreamUrl(options.baseUrl, options.symbols);
  }

  /** Opens the first connection and starts watching for silence and age. */
  start(): void {
    this.#connect();
    this.#watchdog = setInterval(
      () => this.#watch(),
      Math.min(1_000, this.#options.silenceTimeoutMs),
    );
  }

  /** Asks for a fresh connection now, keeping the current one until the new one delivers. */
  renew(reason: string): void {
    if (this.#renewing || this.#stopped) return;
    this.#options.log.info("renewing connection", { reason });
    this.#renewing = this.#open(true);
  }

  /** Closes everything; no reconnect follows. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#watchdog);
    clearTimeout(this.#retryTimer);
    for (const socket of [this.#current, this.#renewing]) socket?.close(1000, "producer stopping");
    this.connected = false;
  }

  #connect(): void {
    if (this.#stopped) return;
    // A connection attempt that hangs counts as silence too.
    this.#lastFrameAt = Date.now();
    this.#current = this.#open(false);
  }

  #open(renewal: boolean): WebSocket {
    const { log, onFrame } = this.#options;
    const socket = new WebSocket(this.#url);
    let delivered = false;
    socket.onopen = () => {
      log.info("connected", { url: this.#url, renewal });
      if (!renewal) {
        this.connected = true;
        this.#openedAt = Date.now();
      }
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== "string") return;
      const now = Date.now();
      if (!delivered) {
        delivered = true;
        this.#failures = 0;
        if (renewal) this.#promote(socket);
      }
      // During a renewal both connections deliver; the consumer drops the duplicates.
      if (socket === this.#current || socket === this.#renewing) {
        if (socket === this.#current) this.#lastFrameAt = now;
        onFrame(message.data, now);
      }
    };
    socket.onerror = (event) => {
      log.warn("connection error", { error: (event as ErrorEvent).message ?? "unknown" });
    };
    socket.onclose = (event) => {
      if (socket === this.#renewing) this.#renewing = undefined;
      if (socket !== this.#current || this.#stopped) return;
      this.#reconnectLater("connection closed", { code: event.code, reason: event.reason });
    };
    return socket;
  }

  #reconnectLater(why: string, fields: Record<string, unknown>): void {
    this.#current = undefined;
    this.connected = false;
    const delay = backoffDelay(this.#failures++, { baseMs: 1_000, maxMs: 60_000 });
    this.#options.log.warn(`${why}; reconnecting`, { ...fields, delayMs: delay });
    this.#retryTimer = setTimeout(() => {
      this.reconnects++;
      this.#connect();
    }, delay);
  }

  #promote(socket: WebSocket): void {
    const old = this.#current;
    this.#current = socket;
    this.#renewing = undefined;
    this.#openedAt = Date.now();
    this.#lastFrameAt = Date.now();
    this.connected = true;
    this.reconnects++;
    old?.close(1000, "renewed");
  }

  #watch(): void {
    const now = Date.now();
    const { silenceTimeoutMs, maxAgeMs } = this.#options;
    if (!this.#current || this.#stopped) return;
    if (now - this.#lastFrameAt > silenceTimeoutMs) {
      // A dead link may never finish the close handshake: abandon it, do not wait for onclose.
      const silent = this.#current;
      this.#reconnectLater("connection silent", { silentMs: now - this.#lastFrameAt });
      silent?.close(4000, "silent");
    } else if (this.connected && now - this.#openedAt > maxAgeMs) {
      this.renew("connection age");
    }
  }
}
