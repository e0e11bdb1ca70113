/**
 * The dashboard on an empty database and on one with history, side by side: every read path
 * over real HTTP (median of sequential requests), and the delay from a committed batch to its
 * `update` event on `/api/stream` for one client and for many (`sse_delay.ts`). A history is
 * first brought up to now, so every chart window has trades.
 */
import { planBatch } from "../domain/batch_plan.ts";
import { storeTrades } from "../pipeline/trade_store.ts";
import { loadWindows } from "../pipeline/stored_averages.ts";
import type { Sql } from "../runtime/database.ts";
import { arrayLiteral, connectDatabase } from "../runtime/database.ts";
import { redactUrl } from "../runtime/env_reader.ts";
import { CHART_WINDOW_NAMES } from "../domain/chart_windows.ts";
import { freePort } from "../stack/free_port.ts";
import { fillHistory } from "./history_fill.ts";
import {
  BATCH_SIZE,
  BENCH_SYMBOLS,
  inBatches,
  WHALE_THRESHOLD,
  WINDOW_SIZE,
} from "./bench_trades.ts";
import type { TradeEvent } from "../domain/trade_event.ts";
import type { Cleanup } from "./cleanup.ts";
import { grouped, median } from "./measure.ts";
import { startPipelineProcess } from "./pipeline_process.ts";
import { createScratchDatabase } from "./scratch_database.ts";
import { type LiveDelay, liveDelay } from "./sse_delay.ts";
import { waitUntil } from "./wait_until.ts";

/** Medians of the read paths, and the live path, on one database. */
export interface DashboardFigures {
  trades: number;
  /** Trades stored first to bring the history from its newest trade up to now. */
  caughtUp: number;
  /** Median milliseconds per path. */
  readMs: Record<string, number>;
  /** One stream client. */
  live: LiveDelay;
  /** {@link DashboardOptions.streamClients} at once. */
  fanOut: LiveDelay;
  /** The dashboard's peak RSS (`VmHWM`) after both, in MiB. */
  dashboardPeakRssMiB: number | undefined;
}

/** The two databases side by side. */
export interface DashboardResult {
  empty: DashboardFigures;
  history: DashboardFigures & { days: number; fillTradesPerSecond?: number; url?: string };
}

/** What {@link benchDashboard} measures on. */
export interface DashboardOptions {
  /** Trades filled into the scratch history database, over `historyDays`. */
  historyTrades: number;
  historyDays: number;
  /**
   * A database filled by `deno task fill` to use instead of filling one: it is not dropped, and
   * the bench adds its own trades to it (never point it at a database with real trades).
   */
  historyUrl?: string;
  /** Requests per read path. */
  requests: number;
  /** Seconds of live batches, with one stream client and again with `streamClients`. */
  liveSeconds: number;
  /** Concurrent stream clients of the fan-out measurement. */
  streamClients: number;
  workDir: string;
  cleanup: Cleanup;
}

/** Runs the read and live measurements on an empty database, then on the history. */
export async function benchDashboard(options: DashboardOptions): Promise<DashboardResult> {
  const empty = await createScratchDatabase("dashboard_empty", options.cleanup);
  const emptyFigures = await measureDatabase(empty.url, empty.sql, 0, options);
  await empty.drop();
  printFigures("empty database", emptyFigures);

  if (options.historyUrl) {
    const sql = connectDatabase(options.historyUrl, { max: 2 });
    try {
      const [{ trades }] = await sql<{ trades: number }[]>`
        select coalesce(sum(trade_count), 0)::float8 as trades from trade_aggregates
      `;
      const figures = await measureDatabase(options.historyUrl, sql, trades, options);
      printFigures(`history at ${redactUrl(options.historyUrl)}`, figures);
      return {
        empty: emptyFigures,
        history: { ...figures, days: options.historyDays, url: redactUrl(options.historyUrl) },
      };
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  const history = await createScratchDatabase("dashboard_history", options.cleanup);
  try {
    console.log(
      `   filling ${grouped(options.historyTrades)} trades over ${options.historyDays} days ...`,
    );
    const started = performance.now();
    await fillHistory(history.sql, {
      trades: options.historyTrades,
      days: options.historyDays,
      symbols: BENCH_SYMBOLS,
      windowSize: WINDOW_SIZE,
      whaleThreshold: WHALE_THRESHOLD,
    });
    await history.sql`analyze`;
    const fillTradesPerSecond = Math.round(
      options.historyTrades / ((performance.now() - started) / 1000),
    );
    console.log(`   filled at ${grouped(fillTradesPerSecond)} trades/s`);
    const figures = await measureDatabase(history.url, history.sql, options.historyTrades, options);
    printFigures(`${grouped(options.historyTrades)} trades`, figures);
    return {
      empty: emptyFigures,
      history: { ...figures, days: options.historyDays, fillTradesPerSecond },
    };
  } finally {
    await history.drop();
  }
}

/** Starts a dashboard on `url`, times its paths, then the live path. */
async function measureDatabase(
  url: string,
  sql: Sql,
  trades: number,
  options: DashboardOptions,
): Promise<DashboardFigures> {
  const port = freePort();
  const dashboard = await startPipelineProcess(
    "dashboard.ts",
    `dashboard-${port}`,
    { DATABASE_URL: url, PORT: String(port), SYMBOLS: BENCH_SYMBOLS.join(","), LOG_LEVEL: "warn" },
    options.workDir,
    options.cleanup,
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntil("the dashboard to answer", async () => {
      const response = await fetch(`${base}/healthz`).catch(() => undefined);
      await response?.body?.cancel();
      return response?.ok ?? false;
    }, { timeoutMs: 30_000, watched: [dashboard] });
    const caughtUp = await catchUp(sql);
    const readMs: Record<string, number> = {};
    for (const [name, path] of readPaths()) readMs[name] = await medianMs(base + path, options);
    const live = await liveDelay(base, sql, options.liveSeconds, 1);
    const fanOut = await liveDelay(base, sql, options.liveSeconds, options.streamClients);
    const dashboardPeakRssMiB = await dashboard.peakRssMiB();
    return { trades, caughtUp, readMs, live, fanOut, dashboardPeakRssMiB };
  } finally {
    await dashboard.stop();
  }
}

/**
 * Brings each symbol's history from its newest trade up to now, at the rate it was filled at and
 * through `storeTrades`, so the short chart windows hold trades as on a live system. Returns the
 * trades stored.
 */
async function catchUp(sql: Sql): Promise<number> {
  const histories = await sql<
    { symbol: string; lastId: string; lastMs: number; price: string; perMs: number }[]
  >`
    select symbol, last_trade_id::text as "lastId", last_price::text as price,
      (extract(epoch from last_trade_time) * 1000)::float8 as "lastMs",
      (trade_count / greatest(extract(epoch from last_trade_time - (
        select min(trade_time) from trades t where t.symbol = a.symbol
      )) * 1000, 1))::float8 as "perMs"
    from trade_aggregates a
    where symbol = any(${arrayLiteral(BENCH_SYMBOLS)}::varchar[])
  `;
  const now = Date.now();
  const events: TradeEvent[] = [];
  for (const { symbol, lastId, lastMs, price, perMs } of histories) {
    const count = Math.floor((now - lastMs) * perMs);
    for (let i = 1; i <= count; i++) {
      const time = Math.round(lastMs + (i * (now - lastMs)) / count);
      events.push({
        v: 1,
        symbol,
        tradeId: Number(lastId) + i,
        price,
        quantity: "0.01",
        tradeTime: time,
        eventTime: time,
        isBuyerMaker: i % 2 === 0,
        receivedAt: time,
      });
    }
  }
  const windows = await loadWindows(sql, WINDOW_SIZE);
  for (const batch of inBatches(events, BATCH_SIZE)) {
    const plan = planBatch(batch, windows, WINDOW_SIZE, WHALE_THRESHOLD);
    await storeTrades(sql, plan.rows, WINDOW_SIZE, plan.windowEnds);
  }
  return events.length;
}

/** Every read path the page and its users call, by a short name. */
function readPaths(): [string, string][] {
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

/** The median of `options.requests` sequential GETs of `url`, each read to its end. */
async function medianMs(url: string, options: DashboardOptions): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < options.requests + 1; i++) {
    const start = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    if (i > 0) times.push(performance.now() - start); // the first warms the connection
  }
  return Math.round(median(times) * 10) / 10;
}

function printFigures(label: string, figures: DashboardFigures): void {
  const caughtUp = figures.caughtUp
    ? ` (${grouped(figures.caughtUp)} trades stored first, from its newest trade up to now)`
    : "";
  console.log(`   ${label}${caughtUp}:`);
  for (const [path, ms] of Object.entries(figures.readMs)) {
    console.log(`     ${path.padEnd(30)} ${ms.toFixed(1).padStart(8)} ms median`);
  }
  for (const live of [figures.live, figures.fanOut]) {
    console.log(
      `     commit → SSE update at ${live.batchesPerSecond} batches/s, ${
        grouped(live.clients)
      } client(s): p50 ${live.p50Ms} ms, p99 ${live.p99Ms} ms, max ${live.maxMs} ms, ` +
        `${grouped(live.delivered)} of ${grouped(live.batches * live.clients)} delivered`,
    );
  }
  console.log(`     dashboard peak RSS ${figures.dashboardPeakRssMiB} MiB`);
}
