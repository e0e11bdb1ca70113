/**
 * Commit → Server-Sent Event delay as viewers see it: batches stored by `storeTrades` as the
 * consumer stores them, at a fixed rate, while real HTTP clients (on a worker thread, see
 * `sse_client_worker.ts`) read `/api/stream` from a running dashboard.
 */
import { sleep } from "../runtime/sleep.ts";
import { planBatch } from "../domain/batch_plan.ts";
import { storeTrades } from "../pipeline/trade_store.ts";
import { loadWindows } from "../pipeline/stored_averages.ts";
import type { Sql } from "../runtime/database.ts";
import { BENCH_SYMBOLS, WHALE_THRESHOLD, WINDOW_SIZE } from "./bench_trades.ts";
import type { ClientArrivals, StartClients, StoppedClients } from "./sse_client_worker.ts";

/** Commit → `update` event delays over every client and batch. */
export interface LiveDelay {
  clients: number;
  batchesPerSecond: number;
  batches: number;
  /** (client, batch) pairs whose update arrived; `clients × batches` when none was missed. */
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const BATCHES_PER_SECOND = 20;
const TRADES_PER_BATCH = 50;

/** A stored batch: its symbol, its last trade id and when its commit returned. */
interface StoredBatch {
  symbol: string;
  lastTradeId: number;
  committedAt: number;
}

/**
 * Connects `clients` streams to the dashboard at `base`, then stores
 * {@link BATCHES_PER_SECOND} batches a second for `seconds`, alternating symbols, and times
 * each, for each client, from its commit to the first `update` of its symbol with its last trade
 * id or a later one (the hub merges what arrives while it is busy).
 */
export async function liveDelay(
  base: string,
  sql: Sql,
  seconds: number,
  clients: number,
): Promise<LiveDelay> {
  const worker = new Worker(new URL("./sse_client_worker.ts", import.meta.url).href, {
    type: "module",
  });
  try {
    const answer = <T>() =>
      new Promise<T>((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data as T);
        worker.onerror = (event) => reject(new Error(`stream clients failed: ${event.message}`));
      });
    const connected = answer<{ connected: number }>();
    worker.postMessage({ url: `${base}/api/stream`, clients } satisfies StartClients);
    await connected;
    const stored = await storeBatches(sql, seconds);
    await sleep(2_000); // the last updates arrive; one later than this counts as undelivered
    const stopped = answer<StoppedClients>();
    worker.postMessage({ stop: true });
    const { arrivals, failed } = await stopped;
    if (failed > 0) throw new Error(`${failed} of ${clients} stream clients failed`);
    const delays = arrivals.flatMap((seen) => clientDelays(stored, seen));
    delays.sort((a, b) => a - b);
    const at = (q: number) =>
      delays.length
        ? Math.round(delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] * 10) / 10
        : NaN;
    return {
      clients,
      batchesPerSecond: BATCHES_PER_SECOND,
      batches: stored.length,
      delivered: delays.length,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: delays.length ? Math.round(delays[delays.length - 1] * 10) / 10 : NaN,
    };
  } finally {
    worker.terminate();
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

/**
 * One client's delay for each batch it was told of: the first update of the batch's symbol
 * with its last trade id or a later one. An update that overtook its commit's reply counts 0.
 */
function clientDelays(stored: readonly StoredBatch[], seen: ClientArrivals): number[] {
  const delays: number[] = [];
  const next = new Map<string, number>(); // per symbol, the first arrival not yet passed
  for (const batch of stored) {
    let i = next.get(batch.symbol) ?? 0;
    while (
      i < seen.symbols.length &&
      (seen.symbols[i] !== batch.symbol || seen.lastTradeIds[i] < batch.lastTradeId)
    ) i++;
    next.set(batch.symbol, i);
    if (i < seen.symbols.length) delays.push(Math.max(0, seen.arrivedAt[i] - batch.committedAt));
  }
  return delays;
}
