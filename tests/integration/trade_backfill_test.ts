import assert from "node:assert/strict";
import { sleep } from "../../runtime/sleep.ts";
import { GapFiller } from "../../pipeline/gap_filler.ts";
import { createLogger, type Logger } from "../../runtime/log.ts";
import { BackfillError, fetchMissingTrades } from "../../pipeline/trade_backfill.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";
import { type SentTrade, type Simulator, startSimulator } from "../../stack/simulator.ts";

const QUIET = createLogger("trade-backfill-test", "error");
// The gap filler logs lost trades as errors, which these tests cause on purpose.
const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const FIRST_ID = 1_000;
const REST = "http://binance.invalid";

/** Runs `fn` against a paused simulator that has generated its first trades. */
async function withSimulator(
  options: { rate: number; historySize?: number; generateMs: number },
  fn: (simulator: Simulator, restUrl: string) => Promise<void>,
): Promise<void> {
  const { generateMs, ...rest } = options;
  const simulator = await startSimulator({
    port: 0,
    seed: 3,
    firstTradeId: FIRST_ID,
    symbols: ["BTCUSDT"],
    logger: QUIET,
    ...rest,
  });
  try {
    await sleep(generateMs);
    simulator.pause();
    await fn(simulator, `http://127.0.0.1:${simulator.port}`);
  } finally {
    await simulator.stop();
  }
}

function asSent(event: TradeEvent): SentTrade {
  const { symbol, tradeId, price, quantity, tradeTime, isBuyerMaker } = event;
  return { symbol, tradeId, price, qty: quantity, tradeTime, isBuyerMaker };
}

/** A `historicalTrades` entry as Binance sends it. */
function restTrade(id: number) {
  const time = 1_732_000_000_000 + id;
  return { id, price: "100.5", qty: "0.25", quoteQty: "25.125", time, isBuyerMaker: id % 2 === 0 };
}

/** A `fetch` answering each call with the next of `answers`, recording the URLs asked. */
function scriptedFetch(answers: (() => Response)[]) {
  const urls: string[] = [];
  const fetchImpl = (input: string | URL | Request) => {
    urls.push(String(input));
    const answer = answers.shift();
    return Promise.resolve(answer ? answer() : Response.json([]));
  };
  return { urls, fetchImpl: fetchImpl as typeof fetch };
}

/** A `fetch` that never answers, failing only when its signal aborts. */
const hangingFetch = ((_input: string, init?: RequestInit) =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), { once: true });
  })) as typeof fetch;

async function backfillError(promise: Promise<unknown>): Promise<BackfillError> {
  const error = await promise.then(() => undefined, (error) => error);
  assert.ok(error instanceof BackfillError, `expected a BackfillError, got ${error}`);
  assert.equal(error.code, "BACKFILL_FAILED");
  return error;
}

Deno.test("missing trades are fetched over several pages exactly as the simulator has them", async () => {
  await withSimulator({ rate: 5_000, generateMs: 600 }, async (simulator, restUrl) => {
    const from = FIRST_ID + 10;
    const trades = await fetchMissingTrades(restUrl, "BTCUSDT", from, from + 1_500);
    assert.deepEqual(
      trades.map((trade) => trade.tradeId),
      [...Array(1_500).keys()].map((i) => i + from),
    );
    // Nothing was streamed, so what the simulator sent is exactly what it answered over REST.
    assert.deepEqual(trades.map(asSent), simulator.sentTrades());
  });
});

Deno.test("a range the simulator no longer has is a BackfillError", async () => {
  await withSimulator({ rate: 1_000, historySize: 50, generateMs: 300 }, async (_, restUrl) => {
    const error = await backfillError(
      fetchMissingTrades(restUrl, "BTCUSDT", FIRST_ID, FIRST_ID + 10),
    );
    assert.match(error.message, new RegExp(`expected ${FIRST_ID}, got \\d+`));
    assert.deepEqual(error.recovered, []);
  });
});

Deno.test("a gap reaching past the newest trade fails but keeps the trades before it", async () => {
  await withSimulator({ rate: 100, generateMs: 300 }, async (_, restUrl) => {
    const newest = await fetch(`${restUrl}/api/v3/historicalTrades?symbol=BTCUSDT&limit=1`);
    const [latest] = await newest.json();
    const error = await backfillError(
      fetchMissingTrades(restUrl, "BTCUSDT", latest.id - 2, latest.id + 5),
    );
    assert.match(error.message, /has nothing from/);
    assert.deepEqual(error.recovered.map((trade) => trade.tradeId), [
      latest.id - 2,
      latest.id - 1,
      latest.id,
    ]);
  });
});

Deno.test("an answer that is not an array of trades is a BackfillError, never a TypeError", async () => {
  const notArray = scriptedFetch([() => Response.json({ code: -1, msg: "oops" })]);
  const error = await backfillError(
    fetchMissingTrades(REST, "BTCUSDT", 5, 8, { fetchImpl: notArray.fetchImpl }),
  );
  assert.match(error.message, /has nothing from 5/);

  const nullItem = scriptedFetch([() => Response.json([restTrade(5), null, restTrade(7)])]);
  const itemError = await backfillError(
    fetchMissingTrades(REST, "BTCUSDT", 5, 8, { fetchImpl: nullItem.fetchImpl }),
  );
  assert.match(itemError.message, /trade 6 is not an object/);
  assert.deepEqual(itemError.recovered.map((trade) => trade.tradeId), [5]);
});

Deno.test("an HTTP 429 is a BackfillError holding the pages fetched before it", async () => {
  const page = [...Array(1_000).keys()].map((i) => restTrade(100 + i));
  const script = scriptedFetch([
    () => Response.json(page),
    () => Response.json({ code: -1003, msg: "Too many requests" }, { status: 429 }),
  ]);
  const error = await backfillError(
    fetchMissingTrades(REST, "BTCUSDT", 100, 1_600, { fetchImpl: script.fetchImpl }),
  );
  assert.match(error.message, /HTTP 429: .*Too many requests/);
  assert.equal(error.recovered.length, 1_000);
  assert.equal(error.recovered.at(-1)!.tradeId, 1_099);
  assert.deepEqual(script.urls.map((url) => new URL(url).search), [
    "?symbol=BTCUSDT&fromId=100&limit=1000",
    "?symbol=BTCUSDT&fromId=1100&limit=500",
  ]);
});

Deno.test("a server ignoring the limit never carries the fill past the gap", async () => {
  const script = scriptedFetch([() => Response.json([5, 6, 7, 8, 9].map(restTrade))]);
  const trades = await fetchMissingTrades(REST, "BTCUSDT", 5, 8, { fetchImpl: script.fetchImpl });
  assert.deepEqual(trades.map((trade) => trade.tradeId), [5, 6, 7]);
});

Deno.test("an aborted signal cancels a call in flight", async () => {
  const controller = new AbortController();
  const fetching = fetchMissingTrades(REST, "BTCUSDT", 5, 8, {
    fetchImpl: hangingFetch,
    signal: controller.signal,
  });
  controller.abort();
  const error = await backfillError(fetching);
  assert.equal((error.cause as DOMException).name, "AbortError");
});

Deno.test("the gap filler publishes recovered trades in id order and counts them", async () => {
  const published: number[] = [];
  const script = scriptedFetch([() => Response.json([5, 6, 7].map(restTrade))]);
  const filler = new GapFiller({
    restUrl: REST,
    publish: (event) => published.push(event.tradeId),
    log: SILENT,
    fetchImpl: script.fetchImpl,
  });
  filler.fill("BTCUSDT", 5, 8);
  filler.fill("BTCUSDT", 20, 70_000);
  await filler.idle();
  assert.deepEqual(published, [5, 6, 7]);
  assert.equal(filler.recovered, 3);
  assert.equal(filler.lost, 69_980, "a gap above maxGap is not fetched");
  assert.equal(script.urls.length, 1);
});

Deno.test("stopping the gap filler cancels the fill in flight and the queued ones as lost", async () => {
  const filler = new GapFiller({
    restUrl: REST,
    publish: () => assert.fail("nothing was recovered"),
    log: SILENT,
    fetchImpl: hangingFetch,
  });
  filler.fill("BTCUSDT", 10, 20);
  filler.fill("ETHUSDT", 30, 35);
  await sleep(10);
  await filler.stop();
  filler.fill("BTCUSDT", 40, 41);
  await filler.idle();
  assert.equal(filler.recovered, 0);
  assert.equal(filler.lost, 16);
});
