/**
 * Commit → Server-Sent Event delay as viewers see it: batches stored by `storeTrades` as the
 * consumer stores them, at a fixed rate, while real HTTP clients (in a process of their own, see
 * `sse_clients.ts`) read `/api/stream` from a running dashboard. The CPU each side used while
 * the batches were stored and told is measured from `/proc`, so the clients' cost is not taken
 * for the server's.
 */
import { sleep } from "../runtime/sleep.ts";
import { planBatch } from "../domain/batch_plan.ts";
import { storeTrades } from "../pipeline/trade_store.ts";
import { loadWindows } from "../pipeline/stored_averages.ts";
import type { Sql } from "../runtime/database.ts";
import { BENCH_SYMBOLS, WHALE_THRESHOLD, WINDOW_SIZE } from "./bench_trades.ts";
import type { ClientFigures, StoredBatch } from "./sse_clients.ts";
import { cpuSeconds } from "./proc_stat.ts";
import type { Cleanup } from "./cleanup.ts";

/** Commit → `update` event delays over every client and batch, and what they cost. */
export interface LiveDelay extends ClientFigures {
  clients: number;
  batchesPerSecond: number;
  batches: number;
  /** Cores the dashboard kept busy while the batches were stored and told (1 = one core). */
  dashboardCores: number;
  /** Cores the stream clients' process kept busy meanwhile. */
  clientCores: number;
  /** The dashboard's resident memory with every client connected, in MiB. */
  dashboardRssMiB: number;
}

/** The dashboard process measured: its pid, for `/proc`. */
export interface MeasuredDashboard {
  pid: number;
  rssMiB(): Promise<number | undefined>;
}

const BATCHES_PER_SECOND = 20;
const TRADES_PER_BATCH = 50;
/** Time the clients may take to connect, or to report once stopped. */
const CONNECT_TIMEOUT_MS = 120_000;
/** Time left for the last updates to arrive; one later than this counts as undelivered. */
const SETTLE_MS = 2_000;

/**
 * Connects `clients` streams to the dashboard at `base`, then stores
 * {@link BATCHES_PER_SECOND} batches a second for `seconds`, alternating symbols, and times
 * each, for each client, from its commit to the first `update` of its symbol with its last trade
 * id or a later one (the hub merges what arrives while it is busy).
 */
export async function liveDelay(
  base: string,
  dashboard: MeasuredDashboard,
  sql: Sql,
  seconds: number,
  clients: number,
  cleanup: Cleanup,
): Promise<LiveDelay> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-ffi",
      decodeURIComponent(new URL("./sse_clients.ts", import.meta.url).pathname),
      `${base}/api/stream`,
      String(clients),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let stdinClosed = false;
  const stop = cleanup.add(`stopping the stream clients (pid ${child.pid})`, async () => {
    if (!stdinClosed) await child.stdin.abort().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch {
      // It has exited.
    }
    await child.status;
  });
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    // A line within `timeoutMs`, or an error: the clients exited, or hang.
    const nextLine = async (timeoutMs: number): Promise<string> => {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes("\n")) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the stream clients said nothing in ${timeoutMs} ms`)),
            Math.max(0, deadline - Date.now()),
          );
        });
        const { value, done } = await Promise.race([lines.read(), late]).finally(() =>
          clearTimeout(timer)
        );
        if (done) throw new Error(`the stream clients exited: ${(await child.status).code}`);
        text += value;
      }
      const line = text.slice(0, text.indexOf("\n"));
      text = text.slice(line.length + 1);
      return line;
    };
    JSON.parse(await nextLine(CONNECT_TIMEOUT_MS)) as { connected: number };
    const dashboardRssMiB = await dashboard.rssMiB() ?? NaN;
    const cpuBefore = await Promise.all([cpuSeconds(dashboard.pid), cpuSeconds(child.pid)]);
    const started = performance.now();
    const stored = await storeBatches(sql, seconds);
    await sleep(SETTLE_MS);
    const cpuAfter = await Promise.all([cpuSeconds(dashboard.pid), cpuSeconds(child.pid)]);
    const elapsed = (performance.now() - started) / 1000;
    const cores = (i: number) =>
      Math.round(((cpuAfter[i] ?? NaN) - (cpuBefore[i] ?? NaN)) / elapsed * 100) / 100;
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(stored)));
    await writer.close();
    stdinClosed = true;
    const figures = JSON.parse(await nextLine(CONNECT_TIMEOUT_MS)) as ClientFigures;
    if (figures.failed > 0) {
      throw new Error(`${figures.failed} of ${clients} stream clients failed`);
    }
    return {
      clients,
      batchesPerSecond: BATCHES_PER_SECOND,
      batches: stored.length,
      ...figures,
      dashboardCores: cores(0),
      clientCores: cores(1),
      dashboardRssMiB,
    };
  } finally {
    await stop();
  }
}

/**
 * Stores `perSecond` batches a second for `seconds`, taking `symbols` in turn, and returns when
 * each commit returned.
 */
export async function storeBatches(
  sql: Sql,
  seconds: number,
  symbols: readonly string[] = BENCH_SYMBOLS,
  perSecond = BATCHES_PER_SECOND,
): Promise<StoredBatch[]> {
  const windows = await loadWindows(sql, WINDOW_SIZE);
  // Each symbol goes on from its newest trade: the next id, its price, and a whale quantity.
  const next = new Map<string, { id: number; price: string; whale: string }>();
  for (const symbol of symbols) {
    const [row] = await sql<{ id: string; price: string }[]>`
      select last_trade_id::text as id, last_price::text as price
      from trade_aggregates where symbol = ${symbol}
    `;
    const price = row?.price ?? "100.00";
    const whale = (2 * Number(WHALE_THRESHOLD) / Number(price)).toFixed(5);
    next.set(symbol, { id: Math.max(Number(row?.id ?? 0) + 1, Date.now()), price, whale });
  }
  const stored: StoredBatch[] = [];
  const batches = perSecond * seconds;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const due = started + (b * 1000) / perSecond;
    await sleep(Math.max(0, due - performance.now()));
    const symbol = symbols[b % symbols.length];
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
    await storeTrades(sql, plan.rows, WINDOW_SIZE, plan.windowEnds);
    stored.push({
      symbol,
      lastTradeId: first + TRADES_PER_BATCH - 1,
      committedAt: performance.timeOrigin + performance.now(),
    });
  }
  return stored;
}
