/**
 * The dashboard on an empty database and on one with history, side by side: every read path
 * over real HTTP (median of sequential requests), and the delay from a committed batch to its
 * `update` event on `/api/stream`, with batches stored by `storeTrades` as the consumer stores
 * them, at a fixed rate. A history is first brought up to now, so every chart window has trades.
 */
import { planBatch } from "../domain/batch_plan.ts";
import { loadWindows, storeTrades } from "../pipeline/trade_store.ts";
import type { Sql } from "../runtime/database.ts";
import { connectDatabase } from "../runtime/database.ts";
import { redactUrl } from "../runtime/config.ts";
import { CHART_WINDOW_NAMES } from "../ui/chart_windows.ts";
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
import { grouped } from "./measure.ts";
import { startPipelineProcess } from "./pipeline_process.ts";
import { createScratchDatabase } from "./scratch_database.ts";
import { waitUntil } from "./wait_until.ts";

/** Medians of the read paths, and the live path, on one database. */
export interface DashboardFigures {
  trades: number;
  /** Trades stored first to bring the history from its newest trade up to now. */
  caughtUp: number;
  /** Median milliseconds per path. */
  readMs: Record<string, number>;
  live: LiveDelay;
}

/** Commit → `update` event delays. */
export interface LiveDelay {
  batchesPerSecond: number;
  batches: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
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
  /** Seconds of live batches at {@link BATCHES_PER_SECOND}. */
  liveSeconds: number;
  workDir: string;
  cleanup: Cleanup;
}

const BATCHES_PER_SECOND = 20;
const TRADES_PER_BATCH = 50;

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
    const live = await liveDelay(base, sql, options.liveSeconds);
    return { trades, caughtUp, readMs, live };
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
    where symbol = any(string_to_array(${BENCH_SYMBOLS.join(",")}, ','))
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
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1] * 10) / 10;
}

/**
 * Stores {@link BATCHES_PER_SECOND} batches a second for `seconds`, alternating symbols, and
 * times each from its commit to the first `update` of its symbol with its last trade id or a
 * later one (the hub merges what arrives while it is busy).
 */
async function liveDelay(base: string, sql: Sql, seconds: number): Promise<LiveDelay> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/stream`, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  // Batches stored and not yet announced; `committedAt` is Infinity until the commit returns.
  const pending: { symbol: string; lastTradeId: number; committedAt: number }[] = [];
  const delays: number[] = [];
  let buffer = "";
  const reading = (async () => {
    while (true) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: update\ndata: (.*)$/m.exec(event)?.[1];
        if (!data) continue;
        const update = JSON.parse(data) as { symbol: string; lastTradeId: string };
        const arrived = performance.now();
        for (let i = pending.length - 1; i >= 0; i--) {
          const batch = pending[i];
          if (batch.symbol === update.symbol && batch.lastTradeId <= Number(update.lastTradeId)) {
            delays.push(Math.max(0, arrived - batch.committedAt));
            pending.splice(i, 1);
          }
        }
      }
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 500)); // the stream is subscribed

  const windows = await loadWindows(sql, WINDOW_SIZE);
  // Each symbol goes on from its newest trade: the next id, its price, and a whale quantity.
  const next = new Map<string, { id: number; price: string; whale: string }>();
  for (const symbol of BENCH_SYMBOLS) {
    const [row] = await sql<{ id: string; price: string }[]>`
      select last_trade_id::text as id, last_price::text as price
      from trade_aggregates where symbol = ${symbol}
    `;
    const price = row?.price ?? "100.00";
    const whale = (2 * Number(WHALE_THRESHOLD) / Number(price)).toFixed(5);
    next.set(symbol, { id: Math.max(Number(row?.id ?? 0) + 1, Date.now()), price, whale });
  }
  const batches = BATCHES_PER_SECOND * seconds;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const due = started + (b * 1000) / BATCHES_PER_SECOND;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const symbol = BENCH_SYMBOLS[b % BENCH_SYMBOLS.length];
    const { id: first, price, whale } = next.get(symbol)!;
    next.set(symbol, { id: first + TRADES_PER_BATCH, price, whale });
    const now = Date.now();
    const events = Array.from({ length: TRADES_PER_BATCH }, (_, i) => ({
      v: 1 as const,
      symbol,
      tradeId: first + i,
      price,
      quantity: i === 0 && b % 10 === 0 ? whale : "0.01",
      tradeTime: now,
      eventTime: now,
      isBuyerMaker: i % 2 === 0,
      receivedAt: now,
    }));
    const plan = planBatch(events, windows, WINDOW_SIZE, WHALE_THRESHOLD);
    // Listed before the commit: its update may overtake the commit's reply.
    const batch = { symbol, lastTradeId: first + TRADES_PER_BATCH - 1, committedAt: Infinity };
    pending.push(batch);
    await storeTrades(sql, plan.rows, WINDOW_SIZE, plan.windowEnds);
    batch.committedAt = performance.now();
  }
  await waitUntil("the last updates", () => pending.length === 0, { timeoutMs: 10_000 })
    .catch(() => {});
  controller.abort();
  await reading;
  delays.sort((a, b) => a - b);
  const at = (q: number) =>
    delays.length
      ? Math.round(delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] * 10) / 10
      : NaN;
  return {
    batchesPerSecond: BATCHES_PER_SECOND,
    batches,
    delivered: delays.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: delays.length ? Math.round(delays[delays.length - 1] * 10) / 10 : NaN,
  };
}

function printFigures(label: string, figures: DashboardFigures): void {
  const caughtUp = figures.caughtUp
    ? ` (${grouped(figures.caughtUp)} trades stored first, from its newest trade up to now)`
    : "";
  console.log(`   ${label}${caughtUp}:`);
  for (const [path, ms] of Object.entries(figures.readMs)) {
    console.log(`     ${path.padEnd(30)} ${ms.toFixed(1).padStart(8)} ms median`);
  }
  const { live } = figures;
  console.log(
    `     commit → SSE update at ${live.batchesPerSecond} batches/s: p50 ${live.p50Ms} ms, ` +
      `p99 ${live.p99Ms} ms, max ${live.maxMs} ms, ${live.delivered} of ${live.batches} delivered`,
  );
}
