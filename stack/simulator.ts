/**
 * A Binance-compatible market-stream simulator: trade streams on `/ws/...` and `/stream?streams=…`
 * with SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS, `GET /api/v3/historicalTrades` and
 * `GET /healthz`, plus fault injection for tests. `deno task sim` runs it; tests start it with
 * {@link startSimulator} and compare {@link Simulator.sentTrades} with what the pipeline stored.
 */
import { historicalTrades } from "./historical_trades.ts";
import { FaultyDelivery } from "./fault_injection.ts";
import { loadReplayFrames, type ReplayFrame } from "./replay_frames.ts";
import { hashString, mulberry32 } from "./seeded_random.ts";
import { parseSimulatorArgs } from "./simulator_args.ts";
import { resolveSimulatorOptions, type SimulatorOptions } from "./simulator_options.ts";
import {
  answerControl,
  createStreamClient,
  type StreamClient,
  streamRoute,
} from "./stream_client.ts";
import { type SentTrade, sentTrade, tradeFrame } from "./trade_frame.ts";
import { createTradeGenerator, type TradeGenerator } from "./trade_generator.ts";
import { TradeHistory } from "./trade_history.ts";

export type { SentTrade } from "./trade_frame.ts";
export type { SimulatorOptions } from "./simulator_options.ts";

/** A running simulator. */
export interface Simulator {
  /** Base URL of the streams, like `ws://127.0.0.1:9443`. */
  readonly url: string;
  /** The port it listens on, the free one picked when asked for port 0. */
  readonly port: number;
  /** The symbols it trades, upper case. */
  readonly symbols: readonly string[];
  /** Sends `serverShutdown` to every client, closes them and stops listening. */
  stop(): Promise<void>;
  /** Closes every connection abruptly, as a network failure would. */
  dropConnections(): void;
  /**
   * Every valid trade sent to at least one client, by stream or by `historicalTrades`, once per
   * (symbol, trade id), in send order.
   */
  sentTrades(): SentTrade[];
  /** Bad frames sent, over all connections. */
  sentMalformed(): number;
  /** Duplicate frames sent, over all connections. */
  sentDuplicates(): number;
  /** Open connections. */
  connectionCount(): number;
  /** Stops generating (or replaying) until {@link Simulator.resume}. */
  pause(): void;
  /** Resumes generating (or replaying). */
  resume(): void;
  /** Changes the trades per second per symbol from the next tick on (0 < rate ≤ 100,000). */
  setRate(rate: number): void;
  /** Trades generated so far, all symbols (counted whether or not `trackSentTrades` is on). */
  generatedCount(): number;
}

interface Feed {
  stream: string;
  generator: TradeGenerator;
  history: TradeHistory;
  generated: number;
  budget: number;
}

/**
 * Starts a simulator and resolves once it listens. Throws a `RangeError` naming the option
 * when one is out of range, and the file's error when `replay` cannot be read.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const settings = resolveSimulatorOptions(options);
  const { symbols, seed, firstTradeId, whaleProbability, dropAfter, logger } = settings;
  let { rate } = settings;
  const { duplicateProbability, malformedProbability, maxTradesPerSymbol } = settings;
  const feeds = symbols.map((symbol): Feed => ({
    stream: `${symbol.toLowerCase()}@trade`,
    generator: createTradeGenerator({
      symbol,
      random: mulberry32(seed ^ hashString(symbol)),
      firstTradeId,
      whaleProbability,
    }),
    history: new TradeHistory(settings.historySize),
    generated: 0,
    budget: 0,
  }));
  const histories = new Map(feeds.map((feed) => [feed.generator.symbol, feed.history]));
  const replay = settings.replay === undefined
    ? undefined
    : await loadReplayFrames(settings.replay);
  const clients = new Set<StreamClient>();
  const delivery = new FaultyDelivery(clients, {
    random: mulberry32(seed ^ 0x5bd1e995),
    duplicateProbability,
    malformedProbability,
    dropAfter,
  });
  const sent = new Map<string, SentTrade>();
  let paused = settings.paused;
  let stopping = false;

  const record = (trade: SentTrade) => {
    const key = `${trade.symbol}:${trade.tradeId}`;
    if (settings.trackSentTrades && !sent.has(key)) sent.set(key, trade);
  };

  const generate = (feed: Feed, now: number) => {
    const trade = feed.generator.next(now);
    feed.generated++;
    feed.history.add(trade);
    const data = tradeFrame(trade);
    const raw = JSON.stringify(data);
    let delivered = false;
    for (const client of clients) {
      if (
        client.subscriptions.has(feed.stream) && delivery.deliver(client, feed.stream, raw, data)
      ) {
        delivered = true;
      }
    }
    if (delivered) record(sentTrade(trade));
  };

  const replayTo = (client: StreamClient, frames: ReplayFrame[], budget: number) => {
    client.replayBudget += budget;
    while (client.replayBudget >= 1 && client.replayNext < frames.length) {
      const frame = frames[client.replayNext++];
      if (frame.stream !== undefined && !client.subscriptions.has(frame.stream)) continue;
      client.replayBudget--;
      if (frame.stream === undefined) delivery.send(client, frame.line);
      else if (delivery.deliver(client, frame.stream, frame.raw, frame.data) && frame.trade) {
        record(frame.trade);
      }
    }
  };

  let lastTick = performance.now();
  const tick = () => {
    const now = performance.now();
    // After a stalled event loop, catch up at most one second rather than in one huge burst.
    const budget = rate * Math.min(now - lastTick, 1000) / 1000;
    lastTick = now;
    if (paused) return;
    if (replay) {
      for (const client of clients) replayTo(client, replay, budget);
      return;
    }
    const time = Date.now();
    for (const feed of feeds) {
      feed.budget += budget;
      for (; feed.budget >= 1 && feed.generated < maxTradesPerSymbol; feed.budget--) {
        generate(feed, time);
      }
    }
  };

  const handle = (request: Request): Response => {
    const url = new URL(request.url);
    if (request.method !== "GET") {
      return Response.json({ code: -1, msg: "only GET is supported" }, { status: 405 });
    }
    if (url.pathname === "/healthz") return Response.json({ status: "ok", symbols });
    if (url.pathname === "/api/v3/historicalTrades") {
      return historicalTrades(histories, url.searchParams, (trade) => record(sentTrade(trade)));
    }
    const route = streamRoute(url);
    if (!route) return Response.json({ code: -1, msg: "no such route" }, { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ code: -1, msg: "expected a WebSocket upgrade" }, { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request, {
      idleTimeout: settings.idleTimeoutSeconds,
    });
    const client = createStreamClient(socket, route);
    socket.onopen = () => {
      if (stopping) return socket.close(1001);
      clients.add(client);
      logger.debug("client connected", { path: url.pathname, streams: route.streams });
    };
    socket.onclose = (event) => {
      clients.delete(client);
      logger.debug("client disconnected", { code: event.code, framesSent: client.framesSent });
    };
    socket.onerror = (event) => {
      logger.debug("client error", { error: (event as ErrorEvent).message });
    };
    socket.onmessage = (event) => answerControl(client, event.data);
    return response;
  };

  const { port, hostname } = settings;
  const server = Deno.serve({ port, hostname, onListen: () => {} }, handle);
  const timer = setInterval(tick, settings.tickMs);
  return {
    url: `ws://${hostname}:${server.addr.port}`,
    port: server.addr.port,
    symbols: feeds.map((feed) => feed.generator.symbol),
    async stop() {
      if (stopping) return server.finished;
      stopping = true;
      clearInterval(timer);
      const shutdown = JSON.stringify({ e: "serverShutdown", E: Date.now() });
      for (const client of clients) {
        if (client.socket.readyState === WebSocket.OPEN) client.socket.send(shutdown);
      }
      clients.clear();
      // Deno.serve closes the upgraded sockets itself (1001, "Server shutting down").
      await server.shutdown();
    },
    dropConnections() {
      for (const client of clients) delivery.drop(client);
    },
    sentTrades: () => [...sent.values()],
    sentMalformed: () => delivery.malformed,
    sentDuplicates: () => delivery.duplicates,
    connectionCount: () => clients.size,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    setRate(next) {
      rate = resolveSimulatorOptions({ ...options, rate: next }).rate;
    },
    generatedCount: () => feeds.reduce((sum, feed) => sum + feed.generated, 0),
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseSimulatorArgs>;
  let simulator: Simulator;
  try {
    options = parseSimulatorArgs(Deno.args, Deno.env.toObject());
    simulator = await startSimulator({ ...options, trackSentTrades: false });
  } catch (error) {
    console.error(`simulator: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
  const { logger } = options;
  logger.info("simulator listening", { url: simulator.url, symbols: simulator.symbols });
  const stop = () => {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    simulator.stop().then(() => logger.info("simulator stopped"));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) await main();
