/**
 * The dashboard's workers on one port: frames of the one hub reach every worker's clients, a
 * client's limits count once whichever worker serves it, `/metrics` sums them all, and a
 * worker that dies is replaced while its clients reconnect and catch up.
 */
import assert from "node:assert/strict";
import { LiveHub } from "../../web/live_hub.ts";
import { ClientLimits } from "../../web/client_limits.ts";
import { startWorkerPool } from "../../web/worker_pool.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { quietLog } from "../helpers/dashboard_app.ts";
import { createLogger } from "../../runtime/log.ts";
import { whaleView } from "../helpers/trade_fixture.ts";

const WORKER = new URL("../../dashboard_worker.ts", import.meta.url);
const CRASHING_WORKER = new URL("../helpers/crashing_dashboard_worker.ts", import.meta.url);

/**
 * A stream client as a browser's EventSource is: it reads whale ids, and when its stream ends it
 * connects again with the last id it saw.
 */
class Viewer {
  readonly seen: number[] = [];
  /** The event id of each whale in {@link seen}. */
  readonly ids: number[] = [];
  lastId: number | undefined;
  reconnects = 0;
  #stopped = false;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  readonly done: Promise<void>;

  /** `lastId`: the last event this viewer saw before, if it comes back. */
  constructor(readonly base: string, lastId?: number) {
    this.lastId = lastId;
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    const decoder = new TextDecoder();
    while (!this.#stopped) {
      const headers: HeadersInit = this.lastId === undefined
        ? {}
        : { "last-event-id": String(this.lastId) };
      try {
        const response = await fetch(`${this.base}/api/stream`, { headers });
        if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
        this.#reader = response.body!.getReader();
        let text = "";
        while (true) {
          const { value, done } = await this.#reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
          let end;
          while ((end = text.indexOf("\n\n")) >= 0) {
            const event = text.slice(0, end);
            text = text.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(event)?.[1];
            if (id !== undefined) this.lastId = Number(id);
            const trade = /"tradeId":"(\d+)"/.exec(event)?.[1];
            if (/^event: whale$/m.test(event) && trade) {
              this.seen.push(Number(trade));
              this.ids.push(Number(id));
            }
          }
        }
      } catch {
        // Cut by a dying worker: connect again, as EventSource does.
      }
      if (this.#stopped) return;
      this.reconnects++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#reader?.cancel().catch(() => {});
    await this.done;
  }
}

/** Points the workers, which read the process's environment, at `url` until disposed. */
function workersDatabase(url: string): Disposable {
  const before = Deno.env.get("DATABASE_URL");
  Deno.env.set("DATABASE_URL", url);
  return {
    [Symbol.dispose]: () =>
      before === undefined ? Deno.env.delete("DATABASE_URL") : Deno.env.set("DATABASE_URL", before),
  };
}

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!await done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1]);
}

Deno.test("workers share the port, the frames, the limits and the figures", async () => {
  await using db = await createTestDatabase();
  using _env = workersDatabase(db.url);
  const hub = new LiveHub({ frameMs: 2 });
  const limits = new ClientLimits({
    requestsPerSecond: 1_000,
    streamsPerClient: 5,
    maxStreams: 3,
  });
  await using pool = await startWorkerPool({
    count: 2,
    module: WORKER,
    port: 0,
    hub,
    limits,
    databaseConnections: 2,
    log: quietLog,
  });
  const base = `http://127.0.0.1:${pool.port}`;
  // The LISTEN state reaches every worker: health turns good on each.
  const health = async () => (await (await fetch(`${base}/healthz`)).json()).listener;
  assert.equal(await health(), "down");
  hub.listening = true;
  await until("every worker healthy", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, health));
    return answers.every((answer) => answer === "ok");
  });

  // Three streams, over both workers (the kernel spreads connections), fill the dashboard's
  // cap; the fourth is refused whichever worker gets it.
  const viewers = [new Viewer(base), new Viewer(base), new Viewer(base)];
  await until("three streams", async () => await metric(base, "dashboard_stream_clients") === 3);
  const fourth = await fetch(`${base}/api/stream`);
  assert.equal(fourth.status, 503);
  assert.equal(await fourth.text(), "too many live streams (3)\n");

  for (let n = 1; n <= 5; n++) hub.publish("whale", whaleView(String(n)));
  await until("every viewer's five whales", () => viewers.every((v) => v.seen.length === 5));
  assert.equal(await metric(base, "dashboard_stream_events_total"), 5);
  assert.match(
    await (await fetch(`${base}/metrics`)).text(),
    /^dashboard_requests_refused_total\{limit="capacity"\} 1$/m,
  );
  for (const viewer of viewers) await viewer.stop();
  await until(
    "the slots given back",
    async () => (await fetch(`${base}/api/stream`)).status === 200,
  );
});

Deno.test("a worker that dies is replaced, and its clients reconnect and catch up", async () => {
  await using db = await createTestDatabase();
  using _env = workersDatabase(db.url);
  const hub = new LiveHub({ frameMs: 2 });
  const lines: string[] = [];
  const log = createLogger("test", "info");
  const recording = {
    ...log,
    error: (msg: string, fields?: Record<string, unknown>) =>
      lines.push(msg, String(fields?.error)),
    info: (msg: string) => lines.push(msg),
  };
  await using pool = await startWorkerPool({
    count: 2,
    module: CRASHING_WORKER,
    port: 0,
    hub,
    limits: new ClientLimits({ requestsPerSecond: 10_000, streamsPerClient: 100 }),
    databaseConnections: 2,
    log: recording,
  });
  const base = `http://127.0.0.1:${pool.port}`;
  const viewers = Array.from({ length: 12 }, () => new Viewer(base));
  await until("twelve streams", async () => await metric(base, "dashboard_stream_clients") === 12);
  for (let n = 1; n <= 5; n++) hub.publish("whale", whaleView(String(n)));
  await until("five whales each", () => viewers.every((v) => v.seen.length === 5));

  // One worker dies; whales go on at once, before its replacement starts (which has them only
  // from the history it is given), and every viewer must get each exactly once.
  await fetch(`${base}/crash`).then((r) => r.body?.cancel()).catch(() => {});
  for (let n = 6; n <= 30; n++) hub.publish("whale", whaleView(String(n)));
  await until("the worker replaced", () => lines.includes("dashboard worker replaced"));
  assert.ok(lines.includes("a dashboard worker died; starting another"), lines.join("\n"));
  assert.ok(
    lines.some((line) => line.includes("this worker was asked to crash")),
    lines.join("\n"),
  );
  const all = Array.from({ length: 30 }, (_, i) => i + 1);
  await until("every viewer caught up", () => viewers.every((v) => v.seen.length >= 30));
  for (const viewer of viewers) assert.deepEqual(viewer.seen, all, "each whale once, in order");
  const cut = viewers.filter((v) => v.reconnects > 0).length;
  assert.ok(cut > 0 && cut < 12, `${cut} of 12 viewers were on the worker that died`);
  await until(
    "every viewer connected again",
    async () => await metric(base, "dashboard_stream_clients") === 12,
  );
  // Viewers coming back now, to either worker, the replacement among them, catch up alike.
  const tenth = viewers[0].ids[9];
  const returning = Array.from({ length: 16 }, () => new Viewer(base, tenth));
  await until("the returning viewers caught up", () => returning.every((v) => v.seen.length >= 20));
  for (const viewer of returning) assert.deepEqual(viewer.seen, all.slice(10));
  for (const viewer of [...viewers, ...returning]) await viewer.stop();
});
