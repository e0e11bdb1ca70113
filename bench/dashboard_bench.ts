/**
 * The dashboard on an empty database and on one with history, side by side: every read path
 * over real HTTP (median of sequential requests), and the delay from a committed batch to its
 * `update` event on `/api/stream` for one client and for many (`sse_delay.ts`). A history is
 * first brought up to now, so every chart window has trades.
 */
import type { Sql } from "../runtime/database.ts";
import { connectDatabase } from "../runtime/database.ts";
import { redactUrl } from "../runtime/env_reader.ts";
import { fillHistory } from "./history_fill.ts";
import { BENCH_SYMBOLS, WHALE_THRESHOLD, WINDOW_SIZE } from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { grouped } from "./measure.ts";
import { catchUp } from "./history_catch_up.ts";
import { medianMs, readPaths } from "./dashboard_reads.ts";
import { startBenchDashboard } from "./dashboard_process.ts";
import { createScratchDatabase } from "./scratch_database.ts";
import { type LiveDelay, liveDelay } from "./sse_delay.ts";
import { defaultDashboardWorkers } from "../runtime/dashboard_config.ts";

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
  /** {@link DashboardOptions.manyStreamClients} at once; on the history only. */
  manyFanOut?: LiveDelay;
  /** The same with a worker on every core (the default leaves one core), where that differs. */
  manyFanOutEveryCore?: LiveDelay & { workers: number };
  /** The dashboard's resident memory before any stream client, in MiB. */
  dashboardIdleRssMiB: number | undefined;
  /** What a thousand stream clients add to the dashboard's resident memory, in MiB. */
  rssPerThousandClientsMiB: number;
  /** The dashboard's peak RSS (`VmHWM`) after all, in MiB. */
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
  /** Concurrent stream clients of the larger fan-out, on the history only. */
  manyStreamClients: number;
  workDir: string;
  cleanup: Cleanup;
}

/** Runs the read and live measurements on an empty database, then on the history. */
export async function benchDashboard(options: DashboardOptions): Promise<DashboardResult> {
  const empty = await createScratchDatabase("dashboard_empty", options.cleanup);
  const emptyFigures = await measureDatabase(empty.url, empty.sql, 0, {
    ...options,
    manyStreamClients: 0,
  });
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
  const { base, dashboard } = await startDashboard(url, options);
  try {
    const caughtUp = await catchUp(sql);
    const readMs: Record<string, number> = {};
    for (const [name, path] of readPaths()) {
      readMs[name] = await medianMs(base + path, options.requests);
    }
    const { liveSeconds, cleanup } = options;
    const delay = (clients: number) =>
      liveDelay(base, dashboard, sql, liveSeconds, clients, cleanup);
    const dashboardIdleRssMiB = await dashboard.rssMiB();
    const live = await delay(1);
    const fanOut = await delay(options.streamClients);
    const manyFanOut = options.manyStreamClients > 0
      ? await delay(options.manyStreamClients)
      : undefined;
    const widest = manyFanOut ?? fanOut;
    const rssPerThousandClientsMiB = Math.round(
      (widest.dashboardRssMiB - (dashboardIdleRssMiB ?? NaN)) / widest.clients * 1000 * 10,
    ) / 10;
    const dashboardPeakRssMiB = await dashboard.peakRssMiB();
    await dashboard.stop();
    return {
      trades,
      caughtUp,
      readMs,
      live,
      fanOut,
      manyFanOut,
      manyFanOutEveryCore: options.manyStreamClients > 0
        ? await everyCore(url, sql, options)
        : undefined,
      dashboardIdleRssMiB,
      rssPerThousandClientsMiB,
      dashboardPeakRssMiB,
    };
  } finally {
    await dashboard.stop();
  }
}

/**
 * The larger fan-out again with a worker on every core, beside the default (one core left to
 * PostgreSQL, the storing and the clients); undefined on one core, where the two are the same.
 */
async function everyCore(
  url: string,
  sql: Sql,
  options: DashboardOptions,
): Promise<LiveDelay & { workers: number } | undefined> {
  const workers = navigator.hardwareConcurrency;
  if (workers === defaultDashboardWorkers(workers, true)) return undefined;
  const { base, dashboard } = await startDashboard(url, options, workers);
  try {
    const delay = await liveDelay(
      base,
      dashboard,
      sql,
      options.liveSeconds,
      options.manyStreamClients,
      options.cleanup,
    );
    return { ...delay, workers };
  } finally {
    await dashboard.stop();
  }
}

/** A dashboard on `url`, with `workers` or its default. */
function startDashboard(url: string, options: DashboardOptions, workers?: number) {
  return startBenchDashboard("dashboard", url, {
    env: workers ? { DASHBOARD_WORKERS: String(workers) } : {},
    workDir: options.workDir,
    cleanup: options.cleanup,
  });
}

function printFigures(label: string, figures: DashboardFigures): void {
  const caughtUp = figures.caughtUp
    ? ` (${grouped(figures.caughtUp)} trades stored first, from its newest trade up to now)`
    : "";
  console.log(`   ${label}${caughtUp}:`);
  for (const [path, ms] of Object.entries(figures.readMs)) {
    console.log(`     ${path.padEnd(30)} ${ms.toFixed(1).padStart(8)} ms median`);
  }
  const { fanOut, manyFanOut, manyFanOutEveryCore: everyCore } = figures;
  for (const live of [figures.live, fanOut, manyFanOut, everyCore]) {
    if (!live) continue;
    const workers = "workers" in live ? ` (${live.workers} workers)` : "";
    console.log(
      `     commit → SSE update at ${live.batchesPerSecond} batches/s, ${
        grouped(live.clients)
      } client(s)${workers}: p50 ${live.p50Ms} ms, p99 ${live.p99Ms} ms, max ${live.maxMs} ms, ` +
        `${grouped(live.delivered)} of ${grouped(live.batches * live.clients)} delivered, ` +
        `${live.resyncs} resyncs; cores busy: dashboard ${live.dashboardCores}, ` +
        `clients ${live.clientCores}`,
    );
  }
  console.log(
    `     dashboard RSS ${figures.dashboardIdleRssMiB} MiB idle, ` +
      `+${figures.rssPerThousandClientsMiB} MiB per 1,000 stream clients, ` +
      `peak ${figures.dashboardPeakRssMiB} MiB`,
  );
}
