/**
 * Which trade feed `deno task start` uses: live Binance when it answers, otherwise the
 * simulator, announced loudly so simulated prices are never taken for live ones.
 */
import type { Config } from "../pipeline/config.ts";
import type { Logger } from "../pipeline/log.ts";
import { tradeStreamUrl } from "../pipeline/binance_stream.ts";
import { startSimulator } from "./simulator.ts";

/** The feed the producer connects to. */
export interface Feed {
  /** Base WebSocket URL for `BINANCE_WS_URL`. */
  url: string;
  /** Base REST URL for `BINANCE_REST_URL`. */
  restUrl: string;
  simulated: boolean;
  stop(): Promise<void>;
}

/** Resolves true once `url` delivers a first frame within `timeoutMs`, false otherwise. */
export function answersWithin(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.onmessage = socket.onerror = socket.onclose = null;
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    try {
      socket = new WebSocket(url);
    } catch {
      clearTimeout(timer);
      return resolve(false);
    }
    socket.onmessage = () => finish(true);
    socket.onerror = () => finish(false);
    socket.onclose = () => finish(false);
  });
}

/** Live Binance when it answers within 8 s, else a simulator on a free port. */
export async function chooseFeed(config: Config, log: Logger): Promise<Feed> {
  const live = tradeStreamUrl(config.binanceWsUrl, config.symbols);
  if (await answersWithin(live, 8_000)) {
    log.info("feed: live Binance", { url: config.binanceWsUrl });
    return {
      url: config.binanceWsUrl,
      restUrl: config.binanceRestUrl,
      simulated: false,
      stop: () => Promise.resolve(),
    };
  }
  const simulator = await startSimulator({
    port: 0,
    symbols: config.symbols,
    rate: 10,
    whaleProbability: 0.01,
    trackSentTrades: false,
    logger: log,
  });
  const banner = `BINANCE IS UNREACHABLE (${config.binanceWsUrl}): USING THE SIMULATOR AT ` +
    `${simulator.url}. PRICES ARE SIMULATED, NOT LIVE.`;
  console.error(`\n${"!".repeat(banner.length)}\n${banner}\n${"!".repeat(banner.length)}\n`);
  log.warn("feed: simulated", { url: simulator.url });
  return {
    url: simulator.url,
    restUrl: `http://127.0.0.1:${simulator.port}`,
    simulated: true,
    stop: simulator.stop,
  };
}
