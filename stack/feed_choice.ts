/**
 * Which trade feed `deno task start` uses: live Binance when it is reachable, otherwise the
 * simulator, announced loudly so simulated prices are never taken for live ones.
 */
import type { Config } from "../runtime/config.ts";
import type { Logger } from "../runtime/log.ts";
import { tradeStreamUrl } from "../domain/binance_frame.ts";
import { startSimulator } from "./simulator.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

/** The feed the producer connects to. */
export interface Feed extends Stoppable {
  /** Base WebSocket URL for `BINANCE_WS_URL`. */
  url: string;
  /** Base REST URL for `BINANCE_REST_URL`. */
  restUrl: string;
  simulated: boolean;
}

/**
 * Resolves true once a WebSocket to `url` opens within `timeoutMs`, false otherwise. An open
 * connection is enough: a quiet symbol may send no trade for a long time.
 */
export function opensWithin(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    const finish = (opened: boolean) => {
      clearTimeout(timer);
      socket.onopen = socket.onerror = socket.onclose = null;
      socket.close();
      resolve(opened);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    try {
      socket = new WebSocket(url);
    } catch {
      clearTimeout(timer);
      return resolve(false);
    }
    socket.onopen = () => finish(true);
    socket.onerror = () => finish(false);
    socket.onclose = () => finish(false);
  });
}

/** Live Binance when a connection to it opens within 8 s, else a simulator on a free port. */
export async function chooseFeed(config: Config, log: Logger): Promise<Feed> {
  const live = tradeStreamUrl(config.binanceWsUrl, config.symbols);
  if (await opensWithin(live, 8_000)) {
    log.info("feed: live Binance", { url: config.binanceWsUrl });
    return {
      url: config.binanceWsUrl,
      restUrl: config.binanceRestUrl,
      simulated: false,
      ...stoppable(() => {}),
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
    ...stoppable(() => simulator.stop()),
  };
}
