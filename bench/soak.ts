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
import type { Cleanup } from "./cleanup.ts";
import { grouped, median } from "./measure.ts";
import { componentEnv, startPipelineRun } from "./pipeline_run.ts";
import { type PipelineProcess, startPipelineProcess } from "./pipeline_process.ts";
import { type ChurnResult, startStreamChurn, type StreamChurn } from "./stream_churn.ts";
import { countRows, countStored, statusFigure, storedAllSent } from "./stored_trades.ts";
import { throwIfExited, waitUntil } from "./wait_until.ts";

/** Three symbols, as an operator watching BTC, ETH and SOL would run it. */
const SOAK_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
/** Milliseconds between the simulator's rounds: trades arrive spread out, batches are small. */
const SOAK_TICK_MS = 2;
const SAMPLE_MS = 10_000;
/** Growth of resident memory from the warm-up to the end still called flat. */
export const FLAT_GROWTH = 0.15;

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
   * the median of the samples of a window (a minute; a sixth of a short soak). Resident memory
   * rises and falls by some 20 MiB between V8's major collections; one sample would measure where
   * in that swing it fell (in a 30-minute soak, 16 % for one pair of samples where the medians of
   * a minute gave 6 %).
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
  /** The span each end's median of resident memory is taken over. */
  windowSeconds: number;
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
  /** Trades the producer dropped on a full buffer: it could not keep up (never stored). */
  dropped: number;
}

/** Runs the soak; throws when a component exits or a trade sent is not stored. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { seconds, ratePerSecond, workDir, cleanup } = options;
  const warmUpSeconds = Math.min(120, Math.floor(seconds / 3));
  const windowSeconds = Math.max(
    SAMPLE_MS / 1000,
    Math.min(60, Math.floor(seconds / 6 / (SAMPLE_MS / 1000)) * (SAMPLE_MS / 1000)),
  );
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
  let churn: StreamChurn | undefined;
  try {
    await waitUntil("the dashboard to answer", async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      await response?.body?.cancel();
      return response !== undefined;
    }, { timeoutMs: 60_000, watched });
    const started = await run.start();
    churn = startStreamChurn(`http://127.0.0.1:${port}/api/stream`, options.streamClients);
    console.log(
      `   ${grouped(ratePerSecond)} trades/s over ${SOAK_SYMBOLS.join(", ")} in rounds of ` +
        `${SOAK_TICK_MS} ms, ${options.streamClients} stream clients coming and going, ` +
        `${seconds} s; resident memory read every ${SAMPLE_MS / 1000} s, live heaps after ` +
        `${warmUpSeconds + windowSeconds} s and at the end`,
    );
    const samples: SoakResult["samples"] = [];
    let warmHeaps: Record<string, number> | undefined;
    for (let next = SAMPLE_MS; next <= seconds * 1000; next += SAMPLE_MS) {
      await sleep(Math.max(0, started + next - performance.now()));
      await throwIfExited(watched, "during the soak");
      const atSeconds = next / 1000;
      const rssMiB = await readAll(components, (c) => c.rssMiB());
      samples.push({ atSeconds, rssMiB });
      // After the warm window's samples: the collection it forces would lower those after it.
      if (!warmHeaps && atSeconds >= warmUpSeconds + windowSeconds - SAMPLE_MS / 1000) {
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
    const dropped = await storedAllSent(run, generated, "every trade sent", 1_000);
    const stored = await countRows(run.db.sql);
    if (stored !== await countStored(run.db.sql)) {
      throw new Error(`trades holds ${stored} rows, trade_aggregates counts otherwise`);
    }
    const memory = Object.fromEntries(
      Object.keys(components).map((name) => {
        const rss = samples.map((sample) => sample.rssMiB[name]);
        const warmFrom = samples.findIndex((sample) => sample.atSeconds >= warmUpSeconds);
        const window = windowSeconds / (SAMPLE_MS / 1000);
        const warm = medianMiB(rss.slice(warmFrom, warmFrom + window));
        const end = medianMiB(rss.slice(-window));
        const figures: ComponentMemory = {
          rssFirstMiB: rss[0],
          rssWarmMiB: warm,
          rssEndMiB: end,
          rssPeakMiB: Math.max(...rss),
          rssGrowth: Math.round((end - warm) / warm * 1000) / 1000,
          liveHeapWarmMiB: warmHeaps![name],
          liveHeapEndMiB: endHeaps[name],
        };
        return [name, figures];
      }),
    );
    return {
      seconds,
      ratePerSecond,
      symbols: SOAK_SYMBOLS,
      tickMs: SOAK_TICK_MS,
      warmUpSeconds,
      windowSeconds,
      memory,
      samples,
      consumerFlat: memory.consumer.rssGrowth <= FLAT_GROWTH,
      streams,
      batches: await statusFigure(run.consumer, "batches") ?? NaN,
      generated,
      stored,
      dropped,
    };
  } finally {
    await churn?.stop();
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

function medianMiB(values: number[]): number {
  return Math.round(median(values) * 10) / 10;
}
