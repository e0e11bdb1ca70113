import assert from "node:assert/strict";
import { BinanceStream, type BinanceStreamOptions } from "../../pipeline/binance_stream.ts";
import { parseBinanceFrame } from "../../domain/binance_frame.ts";
import { sleep } from "../../runtime/sleep.ts";
import { createLogger } from "../../runtime/log.ts";
import { type Simulator, startSimulator } from "../../stack/simulator.ts";
import { waitFor } from "../helpers/wait.ts";
import { FakeClock } from "../helpers/fake_clock.ts";
import { SYMBOLS } from "../helpers/dashboard_app.ts";

const QUIET = createLogger("binance-stream-test", "error");

type Timing = Pick<BinanceStreamOptions, "silenceTimeoutMs" | "maxAgeMs">;

// The stream's silence, age and backoff run on fake time, moved on by the tests in steps with a
// short real pause between them for the sockets, which stay real.
const STEP_MS = 50;
const REAL_PAUSE_MS = 10;

/** Moves `clock` on step by step until `check` holds; fails after `limitMs` of fake time. */
async function runUntil(clock: FakeClock, what: string, check: () => boolean, limitMs = 10_000) {
  for (let elapsed = 0; !check(); elapsed += STEP_MS) {
    if (elapsed > limitMs) throw new Error(`no ${what} within ${limitMs} ms of fake time`);
    clock.advance(STEP_MS);
    await sleep(REAL_PAUSE_MS);
  }
}

/** Moves `clock` on by `ms`, step by step. */
async function runFor(clock: FakeClock, ms: number) {
  for (let elapsed = 0; elapsed < ms; elapsed += STEP_MS) {
    clock.advance(STEP_MS);
    await sleep(REAL_PAUSE_MS);
  }
}

/** A stream to `url` on fake time that keeps every frame it hands on. */
function openStream(url: string, timing: Timing, clock: FakeClock) {
  const frames: string[] = [];
  const stream = new BinanceStream({
    baseUrl: url,
    symbols: SYMBOLS,
    ...timing,
    onFrame: (frame) => frames.push(frame),
    log: QUIET,
    clock,
  });
  stream.start();
  return { stream, frames };
}

/** Runs `fn` against a simulator and a stream connected to it, stopping both afterwards. */
async function withSimulatorStream(
  timing: Timing,
  fn: (
    simulator: Simulator,
    stream: BinanceStream,
    frames: string[],
    clock: FakeClock,
  ) => Promise<void>,
): Promise<void> {
  // Frames come in real time: often enough that no step of fake time passes without one.
  const simulator = await startSimulator({ port: 0, seed: 11, rate: 100, logger: QUIET });
  const clock = new FakeClock();
  const { stream, frames } = openStream(simulator.url, timing, clock);
  try {
    await waitFor("the first frames", () => stream.connected && frames.length > 0, 5_000);
    await fn(simulator, stream, frames, clock);
  } finally {
    await stream.stop();
    await simulator.stop();
  }
}

/** Fails when the trade ids handed on skip one; duplicates are allowed (the consumer drops them). */
function assertNoIdSkipped(frames: string[]): void {
  const ids = new Map<string, Set<number>>();
  for (const frame of frames) {
    const result = parseBinanceFrame(frame, Date.now(), new Set(SYMBOLS));
    assert.equal(result.kind, "trade");
    if (result.kind !== "trade") continue;
    const { symbol, tradeId } = result.event;
    ids.set(symbol, (ids.get(symbol) ?? new Set()).add(tradeId));
  }
  assert.deepEqual([...ids.keys()].sort(), SYMBOLS);
  for (const [symbol, seen] of ids) {
    const sorted = [...seen].sort((a, b) => a - b);
    assert.equal(sorted.at(-1)! - sorted[0] + 1, sorted.length, `${symbol} skipped a trade id`);
  }
}

Deno.test("renewal by age hands over to one new connection without skipping a trade id", async () => {
  await withSimulatorStream(
    { silenceTimeoutMs: 600, maxAgeMs: 900 },
    async (sim, stream, frames, clock) => {
      await runUntil(clock, "renewal", () => stream.reconnects === 1);
      await waitFor("the old connection to close", () => sim.connectionCount() === 1, 2_000);
      const handedOver = frames.length;
      await waitFor("frames from the new connection", () => frames.length > handedOver + 5, 2_000);
      assert.equal(sim.connectionCount(), 1);
      assert.equal(stream.reconnects, 1);
      assertNoIdSkipped(frames);
    },
  );
});

Deno.test("a silent connection is replaced", async () => {
  await withSimulatorStream(
    { silenceTimeoutMs: 400, maxAgeMs: 60_000 },
    async (sim, stream, _, clock) => {
      sim.pause();
      await runUntil(clock, "reconnect", () => stream.reconnects === 1 && stream.connected);
      sim.resume();
      await waitFor("the silent connection to close", () => sim.connectionCount() === 1, 2_000);
    },
  );
});

Deno.test("a dropped connection reconnects", async () => {
  await withSimulatorStream(
    { silenceTimeoutMs: 5_000, maxAgeMs: 60_000 },
    async (sim, stream, frames, clock) => {
      sim.dropConnections();
      await waitFor("the drop to be noticed", () => !stream.connected, 2_000);
      await runUntil(clock, "reconnect", () => stream.reconnects === 1 && stream.connected);
      const reconnected = frames.length;
      await waitFor("frames after the reconnect", () => frames.length > reconnected, 2_000);
      assert.equal(sim.connectionCount(), 1);
    },
  );
});

Deno.test("a renewal under way takes over when the current connection goes silent", async () => {
  await withSimulatorStream(
    { silenceTimeoutMs: 800, maxAgeMs: 60_000 },
    async (sim, stream, frames, clock) => {
      sim.pause();
      stream.renew("test");
      await waitFor("the renewal to open", () => sim.connectionCount() === 2, 2_000);
      await runUntil(clock, "takeover by the renewal", () => stream.reconnects === 1);
      sim.resume();
      await waitFor("the silent connection to close", () => sim.connectionCount() === 1, 2_000);
      // Longer than the first retry's backoff: a retry left pending would replace the renewal.
      await runFor(clock, 1_200);
      assert.equal(stream.reconnects, 1);
      assert.equal(sim.connectionCount(), 1);
      assertNoIdSkipped(frames);
    },
  );
});

Deno.test("stop() closes the current connection and a renewal under way", async () => {
  await withSimulatorStream({ silenceTimeoutMs: 5_000, maxAgeMs: 60_000 }, async (sim, stream) => {
    sim.pause();
    stream.renew("test");
    await waitFor("the renewal to open", () => sim.connectionCount() === 2, 2_000);
    await stream.stop();
    await waitFor("every connection to close", () => sim.connectionCount() === 0, 2_000);
  });
});

Deno.test("stop() cancels a reconnect waiting out its backoff", async () => {
  await withSimulatorStream(
    { silenceTimeoutMs: 5_000, maxAgeMs: 60_000 },
    async (sim, stream, _, clock) => {
      sim.dropConnections();
      await waitFor("the drop to be noticed", () => !stream.connected, 2_000);
      await stream.stop();
      // Longer than the first retry's backoff.
      await runFor(clock, 1_200);
      assert.equal(sim.connectionCount(), 0);
      assert.equal(stream.reconnects, 0);
    },
  );
});

/** What a fake Binance does with one connection attempt. */
type Answer = "trades" | "silence" | "refuse";

/**
 * A WebSocket server answering attempt number n (from 0) as `plan(n)` says, for the faults the
 * simulator cannot make: a renewal refused or left silent while the current connection works.
 */
function fakeBinance(plan: (attempt: number) => Answer, clock: FakeClock) {
  const attempts: number[] = [];
  const closeCodes = new Map<number, number>();
  const open = new Set<WebSocket>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (request) => {
    const attempt = attempts.push(clock.now()) - 1;
    const answer = plan(attempt);
    if (answer === "refuse") return new Response("busy", { status: 503 });
    const { socket, response } = Deno.upgradeWebSocket(request);
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.onopen = () => {
      open.add(socket);
      if (answer !== "trades") return;
      timer = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("{}"), 5);
    };
    socket.onclose = (event) => {
      open.delete(socket);
      clearInterval(timer);
      closeCodes.set(attempt, event.code);
    };
    return response;
  });
  return {
    url: `ws://127.0.0.1:${server.addr.port}`,
    /** When each connection attempt arrived (epoch ms, fake time). */
    attempts,
    /** The close code of each attempt's connection, once closed. */
    closeCodes,
    openCount: () => open.size,
    stop: () => server.shutdown(),
  };
}

Deno.test("a renewal that delivers nothing is abandoned and a later one takes over", async () => {
  const clock = new FakeClock();
  const fake = fakeBinance((attempt) => attempt === 1 ? "silence" : "trades", clock);
  const timing = { silenceTimeoutMs: 300, maxAgeMs: 60_000 };
  const { stream, frames } = openStream(fake.url, timing, clock);
  try {
    await waitFor("the first frames", () => stream.connected && frames.length > 0, 3_000);
    stream.renew("test");
    await runUntil(clock, "close of the silent renewal", () => fake.closeCodes.get(1) === 4000);
    stream.renew("test");
    assert.equal(fake.attempts.length, 2, "no renewal right after a failed one");
    await runUntil(clock, "later renewal", () => {
      stream.renew("test");
      return fake.attempts.length === 3;
    });
    await runUntil(clock, "takeover by the renewal", () => stream.reconnects === 1);
    await waitFor("the old connection to close", () => fake.openCount() === 1, 2_000);
  } finally {
    await stream.stop();
    await fake.stop();
  }
});

Deno.test("failed renewals back off instead of retrying on every watchdog tick", async () => {
  const clock = new FakeClock();
  const fake = fakeBinance((attempt) => attempt === 0 ? "trades" : "refuse", clock);
  const { stream, frames } = openStream(fake.url, { silenceTimeoutMs: 300, maxAgeMs: 100 }, clock);
  try {
    await waitFor("the first frames", () => stream.connected && frames.length > 0, 3_000);
    await runFor(clock, 2_500);
    const renewals = fake.attempts.slice(1);
    // The watchdog ticks every 300 ms; the backoff waits at least 0.5 s, then 1 s, 2 s…
    assert.ok(renewals.length >= 2 && renewals.length <= 3, `${renewals.length} renewals`);
    for (let i = 1; i < renewals.length; i++) {
      assert.ok(renewals[i] - renewals[i - 1] >= 500 * 2 ** (i - 1), `renewal ${i} came too soon`);
    }
    assert.equal(stream.reconnects, 0);
    assert.ok(stream.connected && frames.length > 30, "the current connection keeps delivering");
  } finally {
    await stream.stop();
    await fake.stop();
  }
});
