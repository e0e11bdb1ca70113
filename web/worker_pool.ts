/**
 * The dashboard's workers, seen from the main thread: each serves the routes and streams on the
 * one port (`SO_REUSEPORT`: the kernel spreads connections among them) and gets the main hub's
 * frames, so the database sees one LISTEN however many workers serve. The main thread answers
 * their questions from the one set of client limits, sums their figures for `/metrics`, and
 * replaces a worker that dies: its clients reconnect to the others, or to its replacement, and
 * catch up from their last event id.
 */
import type {
  Answers,
  FromWorker,
  ServingFigures,
  ToWorker,
  WorkerFigures,
} from "../domain/dashboard_workers.ts";
import { backoffDelay } from "../domain/backoff.ts";
import type { Logger } from "../runtime/log.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";
import type { ClientLimits } from "./client_limits.ts";
import type { LiveHub } from "./live_hub.ts";

/** What {@link startWorkerPool} runs. */
export interface WorkerPoolOptions {
  /** Workers to run (`DASHBOARD_WORKERS`). */
  count: number;
  /** The worker's module: `dashboard_worker.ts`. */
  module: URL;
  /** The port to share; 0 picks a free one. */
  port: number;
  /** The hub the LISTEN connection fills, whose frames every worker gets. */
  hub: LiveHub;
  /** The client limits and the stream cap, kept here for every worker. */
  limits: ClientLimits;
  /** Database connections the workers may hold in all; each holds one at least. */
  databaseConnections: number;
  log: Logger;
}

/** A running pool: the port it serves on. */
export interface WorkerPool extends Stoppable {
  port: number;
}

/** Time a worker may take to start serving, or to stop, before it is given up on. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** A worker's figures for `/metrics` that do not come in this long are left out. */
const COLLECT_TIMEOUT_MS = 2_000;

/** One running worker and what the main thread holds for it. */
interface Running {
  worker: Worker;
  /** Stream slots its clients hold, by number: given back when it dies. */
  slots: Map<number, () => void>;
  /** Its answers to `collect`, by question. */
  collecting: Map<number, (figures: WorkerFigures | undefined) => void>;
  stopped?: () => void;
  unsubscribe: () => void;
  /** Its last figures, used when it does not answer in time and kept once it is gone. */
  lastFigures?: WorkerFigures;
  /** Cleared once it serves, or when it is retired. */
  startTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Checks that the port is free (a port shared with `SO_REUSEPORT` would otherwise be shared with
 * whatever else holds it so), starts `count` workers on it and resolves once all serve. A worker
 * that fails to start at first rejects; one that dies later is replaced, with backoff when it
 * keeps dying.
 */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const { count, hub, limits, log } = options;
  const probe = Deno.listen({ port: options.port });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();

  const running: (Running | undefined)[] = [];
  let stopping = false;
  let nextSlot = 1;
  let nextCollect = 1;
  const deaths: number[] = [];
  /** The request timings of workers gone, so the summed counters never go back. */
  const retiredTimings: object[][] = [];

  const stopListeningWatch = hub.watchListening((listening) =>
    broadcast({ type: "listening", listening })
  );

  function broadcast(message: ToWorker): void {
    for (const each of running) each?.worker.postMessage(message);
  }

  /** The whole dashboard's figures: the main thread's own, with every worker's. */
  async function figures(): Promise<ServingFigures> {
    const parts = await Promise.all(running.map((each) => each && collect(each)));
    const reported = parts.filter((part) => part !== undefined);
    return {
      listening: hub.listening,
      streamClients: reported.reduce((sum, part) => sum + part.streamClients, 0),
      eventsPublished: hub.published,
      refused: { ...limits.refused },
      timings: [...retiredTimings, ...reported.map((part) => part.timing)],
    };
  }

  function collect(each: Running): Promise<WorkerFigures | undefined> {
    const id = nextCollect++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(each.lastFigures), COLLECT_TIMEOUT_MS);
      const done = (figures: WorkerFigures | undefined) => {
        clearTimeout(timer);
        each.collecting.delete(id);
        if (figures) each.lastFigures = figures;
        resolve(figures);
      };
      each.collecting.set(id, done);
      each.worker.postMessage({ type: "collect", id } satisfies ToWorker);
    });
  }

  async function answer(each: Running, message: FromWorker & { type: "ask" }): Promise<void> {
    const { question } = message;
    let answer: Answers[keyof Answers];
    if (question.kind === "admit") answer = limits.admit(question.client);
    else if (question.kind === "open-stream") {
      const slot = limits.openStream(question.client);
      if (typeof slot === "function") {
        const number = nextSlot++;
        each.slots.set(number, slot);
        answer = { slot: number };
      } else answer = slot;
    } else answer = await figures();
    each.worker.postMessage({ type: "answer", id: message.id, answer } satisfies ToWorker);
  }

  /** Starts worker `index`; resolves once it serves, rejects if it dies first. */
  function start(index: number): Promise<void> {
    const worker = new Worker(options.module, { type: "module", name: `dashboard-${index}` });
    const each: Running = {
      worker,
      slots: new Map(),
      collecting: new Map(),
      unsubscribe: hub.subscribe((frame) => worker.postMessage({ type: "frame", frame })),
    };
    running[index] = each;
    return new Promise<void>((resolve, reject) => {
      let serving = false;
      each.startTimer = setTimeout(() => {
        failed(new Error(`worker ${index} did not start in ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      const failed = (error: Error) => {
        retire(index, each);
        if (!serving) reject(error);
        else replace(index, error);
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.type === "ready") {
          serving = true;
          clearTimeout(each.startTimer);
          resolve();
        } else if (message.type === "ask") {
          answer(each, message).catch((error) =>
            log.error("a worker's question failed", { error })
          );
        } else if (message.type === "release") {
          each.slots.get(message.slot)?.();
          each.slots.delete(message.slot);
        } else if (message.type === "collected") {
          each.collecting.get(message.id)?.(message.figures);
        } else if (message.type === "stopped") each.stopped?.();
      };
      worker.onerror = (event) => {
        event.preventDefault(); // else the error would end the main thread too
        failed(new Error(`dashboard worker ${index}: ${event.message}`));
      };
      worker.postMessage(
        {
          type: "start",
          index,
          port,
          databaseConnections: share(options.databaseConnections, index),
          history: hub.snapshot(),
          listening: hub.listening,
        } satisfies ToWorker,
      );
    });
  }

  /** Worker `index`'s share of `total`: the remainder goes to the first ones, one each at least. */
  function share(total: number, index: number): number {
    return Math.max(1, Math.floor(total / count) + (index < total % count ? 1 : 0));
  }

  /** Ends a worker that failed: its stream slots are given back, its frames stop. */
  function retire(index: number, each: Running): void {
    clearTimeout(each.startTimer);
    each.unsubscribe();
    if (each.lastFigures) retiredTimings.push(each.lastFigures.timing);
    each.worker.terminate();
    for (const release of each.slots.values()) release();
    for (const done of each.collecting.values()) done(undefined);
    if (running[index] === each) running[index] = undefined;
  }

  /** Starts another worker in place of `index`, after a backoff when workers keep dying. */
  function replace(index: number, error: Error): void {
    if (stopping) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths[0] < now - 60_000) deaths.shift();
    const delay = backoffDelay(deaths.length - 1, { baseMs: 100, maxMs: 30_000 });
    log.error("a dashboard worker died; starting another", { worker: index, delay, error });
    setTimeout(() => {
      if (stopping) return;
      start(index).then(
        () => log.info("dashboard worker replaced", { worker: index }),
        (error) => replace(index, error),
      );
    }, delay);
  }

  try {
    await Promise.all(Array.from({ length: count }, (_, index) => start(index)));
  } catch (error) {
    stopping = true;
    stopListeningWatch();
    running.forEach((each, index) => each && retire(index, each));
    throw error;
  }
  return {
    port,
    ...stoppable(async () => {
      stopping = true;
      stopListeningWatch();
      await Promise.all(running.map(async (each, index) => {
        if (!each) return;
        const stopped = new Promise<void>((resolve) => each.stopped = resolve);
        each.worker.postMessage({ type: "stop" } satisfies ToWorker);
        const timer = setTimeout(() => each.stopped?.(), STOP_TIMEOUT_MS);
        await stopped;
        clearTimeout(timer);
        retire(index, each);
      }));
    }),
  };
}
