import { waitFor } from "../helpers/wait.ts";
import assert from "node:assert/strict";
import { parseBinanceFrame } from "../../domain/binance_frame.ts";
import { toUnits } from "../../domain/decimal.ts";
import { createLogger } from "../../runtime/log.ts";
import { MALFORMED_KINDS, malformedFrame } from "../../stack/malformed_frames.ts";
import { mulberry32 } from "../../stack/seeded_random.ts";
import { type SentTrade, type Simulator, startSimulator } from "../../stack/simulator.ts";
import { symbolSpec } from "../../stack/symbol_spec.ts";
import { tradeFrame } from "../../stack/trade_frame.ts";
import {
  createTradeGenerator,
  type SimulatedTrade,
  WHALE_MIN_VALUE,
} from "../../stack/trade_generator.ts";

const SYMBOLS = new Set(["BTCUSDT", "ETHUSDT"]);
const QUIET = createLogger("simulator", "error");
const EIGHT_DECIMALS = /^\d+\.\d{8}$/;

/** The fields of a `historicalTrades` entry the tests read. */
interface HistoricalTrade {
  id: number;
  price: string;
  qty: string;
  quoteQty: string;
}

/** A WebSocket client that keeps every text frame it receives. */
interface TestClient {
  socket: WebSocket;
  frames: string[];
  closed: Promise<CloseEvent>;
}

async function connect(url: string): Promise<TestClient> {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  socket.onmessage = (event) => frames.push(event.data);
  socket.onerror = () => {};
  const closed = new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    closed.then(reject);
  });
  return { socket, frames, closed };
}

async function disconnect(client: TestClient): Promise<void> {
  client.socket.close();
  await client.closed;
}

/** Starts a quiet simulator on a free port; `fn` gets it and it is stopped afterwards. */
async function withSimulator(
  options: Parameters<typeof startSimulator>[0],
  fn: (simulator: Simulator) => Promise<void>,
): Promise<void> {
  const simulator = await startSimulator({ port: 0, seed: 7, logger: QUIET, ...options });
  try {
    await fn(simulator);
  } finally {
    await simulator.stop();
  }
}

function tradesOf(frames: string[]): SentTrade[] {
  return frames.map((frame) => parseBinanceFrame(frame, Date.now(), SYMBOLS))
    .filter((result) => result.kind === "trade")
    .map(({ event }) => ({
      symbol: event.symbol,
      tradeId: event.tradeId,
      price: event.price,
      qty: event.quantity,
      tradeTime: event.tradeTime,
      isBuyerMaker: event.isBuyerMaker,
    }));
}

function generate(seed: number, symbol: string, count: number, whaleProbability?: number) {
  const generator = createTradeGenerator({ symbol, random: mulberry32(seed), whaleProbability });
  const trades: SimulatedTrade[] = [];
  for (let i = 0; i < count; i++) trades.push(generator.next(1_750_000_000_000 + i));
  return trades;
}

Deno.test("raw /ws frames are Binance trade frames the pipeline parses", async () => {
  await withSimulator({ rate: 400, paused: true }, async (simulator) => {
    const client = await connect(`${simulator.url}/ws/btcusdt@trade/ethusdt@trade`);
    await waitFor("the connection", () => simulator.connectionCount() === 1);
    simulator.resume();
    await waitFor("20 frames", () => client.frames.length >= 20);
    await disconnect(client);
    for (const frame of client.frames) {
      const parsed = JSON.parse(frame);
      assert.deepEqual(Object.keys(parsed), ["e", "E", "s", "t", "p", "q", "T", "m", "M"]);
      assert.match(parsed.p, EIGHT_DECIMALS);
      assert.match(parsed.q, EIGHT_DECIMALS);
      assert.equal(parseBinanceFrame(frame, Date.now(), SYMBOLS).kind, "trade");
    }
    assert.deepEqual(new Set(tradesOf(client.frames).map((trade) => trade.symbol)), SYMBOLS);
  });
});

Deno.test("/stream frames are wrapped with their stream name", async () => {
  await withSimulator({ rate: 400 }, async (simulator) => {
    const client = await connect(`${simulator.url}/stream?streams=ethusdt@trade`);
    await waitFor("10 frames", () => client.frames.length >= 10);
    await disconnect(client);
    for (const frame of client.frames) {
      const { stream, data } = JSON.parse(frame);
      assert.equal(stream, "ethusdt@trade");
      assert.equal(data.s, "ETHUSDT");
      assert.equal(parseBinanceFrame(frame, Date.now(), SYMBOLS).kind, "trade");
    }
  });
});

Deno.test("SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE answer like Binance", async () => {
  await withSimulator({ rate: 400 }, async (simulator) => {
    const client = await connect(`${simulator.url}/ws`);
    client.socket.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: 1 }));
    await waitFor("the reply", () => client.frames.length >= 1);
    assert.deepEqual(JSON.parse(client.frames[0]), { result: null, id: 1 });
    await waitFor("trades after subscribing", () => client.frames.length >= 5);
    assert.ok(tradesOf(client.frames).every((trade) => trade.symbol === "BTCUSDT"));

    client.frames.length = 0;
    client.socket.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 2 }));
    client.socket.send(JSON.stringify({ method: "UNSUBSCRIBE", params: ["btcusdt@trade"], id: 3 }));
    await waitFor(
      "the UNSUBSCRIBE reply",
      () => client.frames.some((frame) => JSON.parse(frame).id === 3),
    );
    const replies = client.frames.map((frame) => JSON.parse(frame)).filter((m) => "id" in m);
    assert.deepEqual(replies, [{ result: ["btcusdt@trade"], id: 2 }, { result: null, id: 3 }]);
    await disconnect(client);
  });
});

Deno.test("the simulator sends consecutive trade ids and rising times per symbol", async () => {
  await withSimulator({ rate: 1000, firstTradeId: 500 }, async (simulator) => {
    const client = await connect(`${simulator.url}/ws/btcusdt@trade/ethusdt@trade`);
    await waitFor("200 frames", () => client.frames.length >= 200);
    await disconnect(client);
    for (const symbol of SYMBOLS) {
      const trades = tradesOf(client.frames).filter((trade) => trade.symbol === symbol);
      assert.ok(trades.length > 10);
      for (let i = 1; i < trades.length; i++) {
        assert.equal(trades[i].tradeId, trades[i - 1].tradeId + 1);
        assert.ok(trades[i].tradeTime >= trades[i - 1].tradeTime);
      }
    }
  });
});

Deno.test("generated prices sit on the tick and quantities on the lot step", () => {
  for (
    const symbol of ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "DOGEUSDT", "XRPUSDT", "ABCUSDT"]
  ) {
    const { tickUnits, stepUnits, basePriceUnits } = symbolSpec(symbol);
    for (const trade of generate(3, symbol, 2000)) {
      const price = toUnits(trade.price, 8)!;
      const qty = toUnits(trade.qty, 8)!;
      assert.equal(price % tickUnits, 0n, `${symbol} price ${trade.price}`);
      assert.equal(qty % stepUnits, 0n, `${symbol} qty ${trade.qty}`);
      assert.ok(qty > 0n);
      // The walk reverts to its base: no price strays to half or double of it.
      assert.ok(price * 2n > basePriceUnits && price < basePriceUnits * 2n, trade.price);
    }
  }
  assert.deepEqual(symbolSpec("ABCUSDT"), symbolSpec("ABCUSDT"), "unknown symbols are stable");
});

Deno.test("whales come from their probability and are worth at least 100000", () => {
  const value = (trade: SimulatedTrade) => Number(trade.price) * Number(trade.qty);
  assert.ok(generate(1, "BTCUSDT", 500, 1).every((trade) => value(trade) >= WHALE_MIN_VALUE));
  assert.ok(generate(1, "DOGEUSDT", 500, 1).every((trade) => value(trade) >= WHALE_MIN_VALUE));
  assert.ok(generate(1, "BTCUSDT", 5000, 0).every((trade) => value(trade) < WHALE_MIN_VALUE));
  const whales = generate(2, "ETHUSDT", 20_000, 0.01).filter((t) => value(t) >= WHALE_MIN_VALUE);
  assert.ok(whales.length > 100 && whales.length < 300, `${whales.length} whales`);
});

Deno.test("the trade generator repeats exactly for the same seed", () => {
  assert.deepEqual(generate(42, "BTCUSDT", 500), generate(42, "BTCUSDT", 500));
  assert.notDeepEqual(generate(42, "BTCUSDT", 50), generate(43, "BTCUSDT", 50));
  const trades = generate(42, "ETHUSDT", 100);
  assert.ok(trades.every((trade, i) => trade.tradeId === trades[0].tradeId + i));
});

Deno.test("every kind of malformed frame is rejected by parseBinanceFrame", () => {
  const frame = tradeFrame(generate(5, "BTCUSDT", 1)[0]);
  for (const kind of MALFORMED_KINDS) {
    for (const stream of [undefined, "btcusdt@trade"]) {
      const result = parseBinanceFrame(malformedFrame(kind, frame, stream), Date.now(), SYMBOLS);
      assert.equal(result.kind, "rejected", `${kind} ${stream ?? "raw"}`);
    }
  }
});

Deno.test("injected duplicates are exact copies and bad frames are counted", async () => {
  const options = {
    rate: 1000,
    maxTradesPerSymbol: 40,
    paused: true,
    duplicateProbability: 0.5,
    malformedProbability: 1,
  };
  await withSimulator(options, async (simulator) => {
    const client = await connect(`${simulator.url}/stream?streams=btcusdt@trade`);
    await waitFor("the connection", () => simulator.connectionCount() === 1);
    simulator.resume();
    const expected = () => 40 + simulator.sentDuplicates() + simulator.sentMalformed();
    await waitFor(
      "all frames",
      () => simulator.sentMalformed() === 40 && client.frames.length === expected(),
    );
    await disconnect(client);
    const results = client.frames.map((frame) => parseBinanceFrame(frame, Date.now(), SYMBOLS));
    assert.equal(results.filter((result) => result.kind === "rejected").length, 40);
    const trades = client.frames.filter((_, i) => results[i].kind === "trade");
    assert.equal(trades.length - new Set(trades).size, simulator.sentDuplicates());
    assert.ok(simulator.sentDuplicates() > 5);
    assert.equal(simulator.sentTrades().length, 40);
  });
});

Deno.test("dropConnections closes every socket abruptly", async () => {
  await withSimulator({}, async (simulator) => {
    const clients = [
      await connect(`${simulator.url}/ws/btcusdt@trade`),
      await connect(`${simulator.url}/stream?streams=ethusdt@trade`),
    ];
    await waitFor("two connections", () => simulator.connectionCount() === 2);
    simulator.dropConnections();
    for (const client of clients) assert.equal((await client.closed).wasClean, false);
    assert.equal(simulator.connectionCount(), 0);
  });
});

Deno.test("dropAfter closes a connection after that many frames", async () => {
  await withSimulator({ rate: 1000, dropAfter: 7 }, async (simulator) => {
    const client = await connect(`${simulator.url}/ws/btcusdt@trade`);
    const closed = await client.closed;
    assert.equal(closed.wasClean, false);
    assert.equal(client.frames.length, 7);
  });
});

Deno.test("historicalTrades returns the trades from fromId, up to limit", async () => {
  const options = { rate: 2000, firstTradeId: 1000, maxTradesPerSymbol: 60 };
  await withSimulator(options, async (simulator) => {
    const base = simulator.url.replace("ws:", "http:");
    const get = async (query: string) => {
      const response = await fetch(`${base}/api/v3/historicalTrades?${query}`);
      return { status: response.status, body: await response.json() as unknown };
    };
    const trades = async (query: string) => (await get(query)).body as HistoricalTrade[];
    const ids = async (query: string) => (await trades(query)).map((trade) => trade.id);
    const range = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => from + i);
    // Nobody is subscribed: the trades are generated and kept all the same.
    const deadline = Date.now() + 3000;
    let all = await ids("symbol=BTCUSDT&limit=1000");
    while (all.length < 60 && Date.now() < deadline) all = await ids("symbol=BTCUSDT&limit=1000");
    assert.deepEqual(all, range(1000, 60));
    assert.deepEqual(await ids("symbol=BTCUSDT&fromId=1010&limit=5"), range(1010, 5));
    assert.deepEqual(await ids("symbol=BTCUSDT&limit=3"), range(1057, 3));
    assert.deepEqual(await ids("symbol=BTCUSDT&fromId=2000"), []);

    const [first] = await trades("symbol=ETHUSDT&fromId=1000&limit=1");
    const fields = ["id", "price", "qty", "quoteQty", "time", "isBuyerMaker", "isBestMatch"];
    assert.deepEqual(Object.keys(first), fields);
    const quote = toUnits(first.price, 8)! * toUnits(first.qty, 8)!;
    assert.equal(toUnits(first.quoteQty, 8), (quote + 50_000_000n) / 100_000_000n);

    assert.equal((await get("symbol=BTCUSDT&limit=1001")).status, 400);
    assert.deepEqual(await get("symbol=NOPEUSDT"), {
      status: 400,
      body: { code: -1121, msg: "Invalid symbol." },
    });
    assert.equal((await get("symbol=BTCUSDT&fromId=-1")).status, 400);
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  });
});

Deno.test("sentTrades is exactly what a subscribed client received", async () => {
  await withSimulator({ rate: 400, firstTradeId: 1, maxTradesPerSymbol: 60 }, async (simulator) => {
    // Trades generated before anyone subscribes are missed, as on Binance.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const client = await connect(`${simulator.url}/ws/btcusdt@trade/ethusdt@trade`);
    const received = () => tradesOf(client.frames);
    const last = () => received().filter((trade) => trade.tradeId === 60).length;
    await waitFor("the last trade of both symbols", () => last() === 2);
    await disconnect(client);
    assert.deepEqual(simulator.sentTrades(), received());
    assert.ok(simulator.sentTrades()[0].tradeId > 1, "early trades were not sent");
  });
});

Deno.test("a replay file is sent in order to subscribers, then the stream goes quiet", async () => {
  const trade = (symbol: string, id: number) =>
    JSON.stringify(tradeFrame({ ...generate(9, symbol, 1)[0], tradeId: id }));
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  const lines = [trade("BTCUSDT", 1), "not json", trade("ETHUSDT", 1), trade("BTCUSDT", 2)];
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  try {
    await withSimulator({ rate: 200, replay: path }, async (simulator) => {
      const client = await connect(`${simulator.url}/ws/btcusdt@trade`);
      await waitFor("the replayed frames", () => client.frames.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await disconnect(client);
      assert.deepEqual(client.frames, [lines[0], lines[1], lines[3]]);
      assert.deepEqual(simulator.sentTrades().map((t) => t.tradeId), [1, 2]);
    });
  } finally {
    await Deno.remove(path);
  }
});
