/** The dashboard's read paths, each timed over real HTTP. */
import { CHART_WINDOW_NAMES } from "../domain/chart_windows.ts";
import { median } from "./measure.ts";

/** Every read path the page and its users call, by a short name. */
export function readPaths(): [string, string][] {
  const month = Date.now() - 30 * 86_400_000;
  return [
    ["/", "/"],
    ["/api/aggregates", "/api/aggregates"],
    ["/metrics", "/metrics"],
    ...CHART_WINDOW_NAMES.map((w): [string, string] => [
      `/api/series ${w}`,
      `/api/series?symbol=BTCUSDT&window=${w}`,
    ]),
    ["/api/candles 1h, 30 days", `/api/candles?symbol=BTCUSDT&interval=1h&from=${month}`],
    ["/api/candles 1m, newest 1,000", "/api/candles?symbol=BTCUSDT&interval=1m"],
    [
      "/api/indicators 1m, newest 1,000, five",
      "/api/indicators?symbol=BTCUSDT&interval=1m&set=sma:50,ema:20,bb,rsi,macd",
    ],
    ["/api/trades", "/api/trades"],
    ["/api/trades BTCUSDT", "/api/trades?symbol=BTCUSDT"],
    ["/api/whales", "/api/whales"],
  ];
}

/** The median of `requests` sequential GETs of `url`, each read to its end. */
export async function medianMs(url: string, requests: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < requests + 1; i++) {
    const start = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    if (i > 0) times.push(performance.now() - start); // the first warms the connection
  }
  return Math.round(median(times) * 10) / 10;
}
