/**
 * The soak (`deno task bench --soak SECONDS`): the whole pipeline at a live rate for as long as
 * asked, looking for memory that grows. The simulator spreads its trades as Binance does (a
 * round every 2 ms, so the consumer sees small batches), `producer.ts`, `consumer.ts`,
 * `monitor.ts` and `dashboard.ts` run as child processes, and stream clients come and go on the
 * dashboard. Every component's resident memory is sampled throughout; its live heap (after a
 * forced collection, through V8's inspector) is read once warmed up and at the end. At the end
 * the feed stops and every trade generated must be stored, once.
 */
import { startKafkaBroker } from "../stack/kafka_broker.ts";
import { freePort } from "../stack/free_port.ts";
import { sleep } from "../runtime/sleep.ts";
import type { Sql } from "../runtime/database.ts";
import type { Cleanup } from "./cleanup.ts";
import { grouped } from "./measure.ts";
import { componentEnv, startPipelineRun } from "./pipeline_run.ts";
import { type PipelineProcess, startPipelineProcess } from "./pipeline_process.ts";
import { type ChurnResult, startStreamChurn } from "./stream_churn.ts";
import { throwIfExited, waitUntil } from "./wait_until.ts";

/** Three symbols, as an operator watching BTC, ETH and SOL would run it. */
const SOAK_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
/** Milliseconds between the simulator's rounds: trades arrive spread out, batches are small. */
const SOAK_TICK_MS = 2;
const SAMPLE_MS = 10_000;
/** Growth of resident memory from the warm-up to the end still called flat. */
const FLAT_GROWTH = 0.15;

/** What {@link runSoak} needs. */
export interface SoakOptions {
  seconds: number;
  /** Trades per second over all symbols. */
  ratePerSecond: number;
  /** Stream clients coming and going on the dashboard. */
  streamClients: number;
  /** Holds the broker's data and the children's logs. */
  workDir: string;
  cleanup: Cleanup;
}

/** One component's memory over the soak, in MiB. */
export interface ComponentMemory {
  /** Resident at the first sample, 10 s in. */
  rssFirstMiB: number;
  /**
   * Resident once warmed up (from minute 2, or a third of a shorter soak) and at the end: each
   * the median of a minute's samples (fewer in a short soak). Resident memory rises and falls by
   * some 20 MiB between V8's major collections; one sample would measure where in that swing it
   * fell (in a 30-minute soak, 16 % for one pair of samples where the medians gave 6 %).
   */
  rssWarmMiB: number;
  rssEndMiB: number;
  rssPeakMiB: number;
  /** (end − warm) ÷ warm. */
  rssGrowth: number;
  liveHeapWarmMiB: number;
  liveHeapEndMiB: number;
}

/** The soak's figures. */
export interface SoakResult {
  seconds: number;
  ratePerSecond: number;
  symbols: string[];
  tickMs: number;
  warmUpSeconds: number;
  /** Each component's memory. */
  memory: Record<string, ComponentMemory>;
  /** Each component's resident MiB at every sample, by seconds since the start. */
  samples: { atSeconds: number; rssMiB: Record<string, number> }[];
  /** True when the consumer's resident memory grew by at most 15 % from the warm-up to the end. */
  consumerFlat: boolean;
  streams: ChurnResult;
  /** The consumer's batches, from its last status line: beside `stored`, how small they were. */
  batches: number;
  generated: number;
  stored: number;
}

/** Runs the soak; throws when a component exits or a trade is not stored. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { seconds, ratePerSecond, workDir, cleanup } = options;
  const warmUpSeconds = Math.min(120, Math.floor(seconds / 3));
  const broker = await startKafkaBroker({
    port: freePort(),
    dataDir: `${workDir}/kafka`,
    cacheDir: new URL("../.cache/kafka", import.meta.url).pathname,
  });
  const stopBroker = cleanup.add("stopping the Kafka broker", () => broker.stop());
  const run = await startPipelineRun({
    label: "soak",
    bootstrap: broker.bootstrap,
    rate: ratePerSecond / SOAK_SYMBOLS.length,
    symbols: SOAK_SYMBOLS,
    tickMs: SOAK_TICK_MS,
    inspect: true,
    logDir: workDir,
    cleanup,
  });
  const env = componentEnv(broker.bootstrap, run.topic, "soak", run.db.url, run.simulator);
  const inspect = { inspect: true };
  const monitor = await startPipelineProcess(
    "monitor.ts",
    "soak-monitor",
    env,
    workDir,
    cleanup,
    inspect,
  );
  const port = freePort();
  const dashboard = await startPipelineProcess(
    "dashboard.ts",
    "soak-dashboard",
    { ...env, PORT: String(port), LOG_LEVEL: "warn" },
    workDir,
    cleanup,
    inspect,
  );
  const components: Record<string, PipelineProcess> = {
    producer: run.producer,
    consumer: run.consumer,
    monitor,
    dashboard,
  };
  const watched = Object.values(components);
  try {
    await waitUntil("the dashboard to answer", async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      await response?.body?.cancel();
      return response !== undefined;
    }, { timeoutMs: 60_000, watched });
    const started = await run.start();
    const churn = startStreamChurn(`http://127.0.0.1:${port}/api/stream`, options.streamClients);
    console.log(
      `   ${grouped(ratePerSecond)} trades/s over ${SOAK_SYMBOLS.join(", ")} in rounds of ` +
        `${SOAK_TICK_MS} ms, ${options.streamClients} stream clients coming and going, ` +
        `${seconds} s; memory read every ${SAMPLE_MS / 1000} s, live heaps at ${warmUpSeconds} s ` +
        "and at the end",
    );
    const samples: SoakResult["samples"] = [];
    let warmHeaps: Record<string, number> | undefined;
    for (let next = SAMPLE_MS; next <= seconds * 1000; next += SAMPLE_MS) {
      await sleep(Math.max(0, started + next - performance.now()));
      await throwIfExited(watched, "during the soak");
      const atSeconds = next / 1000;
      const rssMiB = await readAll(components, (c) => c.rssMiB());
      samples.push({ atSeconds, rssMiB });
      if (!warmHeaps && atSeconds >= warmUpSeconds) {
        warmHeaps = await readAll(components, (c) => c.liveHeapMiB());
      }
      if (atSeconds % 60 === 0 || next + SAMPLE_MS > seconds * 1000) {
        console.log(`   ${atSeconds} s: resident MiB ${JSON.stringify(rssMiB)}`);
      }
    }
    const endHeaps = await readAll(components, (c) => c.liveHeapMiB());
    const streams = await churn.stop();
    run.simulator.pause();
    const generated = run.simulator.generatedCount();
    const stored = await storedCount(run.db.sql, generated, watched);
    const memory = Object.fromEntries(
      Object.keys(components).map((name) => [
        name,
        componentMemory(name, samples, warmUpSeconds, warmHeaps!, endHeaps),
      ]),
    );
    const batches = await consumerBatches(run.consumer);
    return {
      seconds,
      ratePerSecond,
      symbols: SOAK_SYMBOLS,
      tickMs: SOAK_TICK_MS,
      warmUpSeconds,
      memory,
      samples,
      consumerFlat: memory.consumer.rssGrowth <= FLAT_GROWTH,
      streams,
      batches,
      generated,
      stored,
    };
  } finally {
    await dashboard.stop();
    await monitor.stop();
    await run.stop();
    await stopBroker();
  }
}

/** `read` of every component, by name. */
async function readAll(
  components: Record<string, PipelineProcess>,
  read: (component: PipelineProcess) => Promise<number | undefined>,
): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(components).map(async ([name, c]) => [name, await read(c) ?? NaN] as const),
  );
  return Object.fromEntries(entries);
}

function componentMemory(
  name: string,
  samples: SoakResult["samples"],
  warmUpSeconds: number,
  warmHeaps: Record<string, number>,
  endHeaps: Record<string, number>,
): ComponentMemory {
  const rss = samples.map((sample) => sample.rssMiB[name]);
  const window = Math.max(1, Math.min(60_000 / SAMPLE_MS, Math.floor(rss.length / 6)));
  const first = samples.findIndex((sample) => sample.atSeconds >= warmUpSeconds);
  const warm = median(rss.slice(first, first + window));
  const end = median(rss.slice(-window));
  return {
    rssFirstMiB: rss[0],
    rssWarmMiB: warm,
    rssEndMiB: end,
    rssPeakMiB: Math.max(...rss),
    rssGrowth: Math.round((end - warm) / warm * 1000) / 1000,
    liveHeapWarmMiB: warmHeaps[name],
    liveHeapEndMiB: endHeaps[name],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Math.round(value * 10) / 10;
}

/** Waits for the consumer to store every trade generated; resolves to the trades stored. */
async function storedCount(
  sql: Sql,
  generated: number,
  watched: readonly PipelineProcess[],
): Promise<number> {
  let stored = 0;
  const count = async () => {
    const [row] = await sql<{ count: string }[]>`select count(*)::text as count from trades`;
    stored = Number(row.count);
    return stored >= generated;
  };
  await waitUntil(`${grouped(generated)} trades to be stored`, count, {
    timeoutMs: 120_000,
    intervalMs: 1_000,
    watched,
  }).catch((error) => {
    throw new Error(`${error.message}; ${grouped(stored)} are`);
  });
  if (stored !== generated) {
    throw new Error(`${grouped(stored)} trades stored of ${grouped(generated)} generated`);
  }
  return stored;
}

/** The consumer's batch count from the last status line of its log. */
async function consumerBatches(consumer: PipelineProcess): Promise<number> {
  const counts = [...(await consumer.logTail(50)).matchAll(/"batches":(\d+)/g)];
  return counts.length > 0 ? Number(counts.at(-1)![1]) : NaN;
}
