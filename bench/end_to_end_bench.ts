/**
 * End to end on real parts: a Kafka broker, the simulator, `producer.ts` and `consumer.ts`
 * as child processes and fresh databases. Three phases: latency at a modest rate, sustained
 * storing at a high rate, and a second consumer draining that topic's backlog.
 */
import { startKafkaBroker } from "../stack/kafka_broker.ts";
import { freePort } from "../stack/free_port.ts";
import { BENCH_SYMBOLS } from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { grouped } from "./measure.ts";
import { startPipelineRun } from "./pipeline_run.ts";
import {
  pollUntilStored,
  type StoreLatency,
  storeLatency,
  sustainedRate,
} from "./stored_trades.ts";
import { type DrainPhase, drainTopic } from "./backlog_drain.ts";

/** Latency at a modest rate, after a warm-up. */
export interface LatencyPhase extends StoreLatency {
  ratePerSymbol: number;
  symbols: number;
}

/** The pipeline fed at a high rate. */
export interface ThroughputPhase {
  ratePerSymbol: number;
  /** Trades per second the simulator offered, all symbols. */
  offeredPerSecond: number;
  trades: number;
  /** Stored trades per second while the count went from 10% to 90%. */
  storedPerSecond: number | undefined;
  /**
   * From the first trade generated until the simulator had sent the last one, seen at a poll
   * (every 200 ms), as is `allStoredAfterMs`.
   */
  sourceFinishedAfterMs: number | undefined;
  /** From the first trade generated until every trade was stored. */
  allStoredAfterMs: number;
  /** trade time → stored, under this load, after a warm-up. */
  latency: StoreLatency;
  producerPeakRssMiB: number | undefined;
  consumerPeakRssMiB: number | undefined;
}

/** All three phases. */
export interface EndToEndResult {
  latency: LatencyPhase;
  throughput: ThroughputPhase;
  drain: DrainPhase;
}

/** What {@link benchEndToEnd} needs. */
export interface EndToEndOptions {
  quick: boolean;
  /** Holds the broker's data and the children's logs. */
  workDir: string;
  cleanup: Cleanup;
}

const LATENCY_RATE = 50;
const THROUGHPUT_RATE = 2_000;
/** Trades this early in a phase are left out of latencies: connections and JIT warm up. */
const WARM_UP_MS = 2_000;

/** Starts a broker, runs the phases, and stops everything again. */
export async function benchEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const { quick, workDir, cleanup } = options;
  const brokerStart = performance.now();
  const broker = await startKafkaBroker({
    port: freePort(),
    dataDir: `${workDir}/kafka`,
    cacheDir: new URL("../.cache/kafka", import.meta.url).pathname,
  });
  const stopBroker = cleanup.add("stopping the Kafka broker", () => broker.stop());
  console.log(
    `Kafka broker up on ${broker.bootstrap} in ${grouped(performance.now() - brokerStart)} ms`,
  );
  try {
    const context = { bootstrap: broker.bootstrap, logDir: workDir, cleanup };

    const latencySeconds = quick ? 8 : 20;
    const slow = await startPipelineRun({
      ...context,
      label: "latency",
      rate: LATENCY_RATE,
      tradesPerSymbol: LATENCY_RATE * latencySeconds,
    });
    let latency: LatencyPhase;
    try {
      await slow.start();
      const from = Date.now() + WARM_UP_MS;
      const total = BENCH_SYMBOLS.length * LATENCY_RATE * latencySeconds;
      await pollUntilStored({
        sql: slow.db.sql,
        total,
        expectedMs: latencySeconds * 1000,
        watched: [slow.producer, slow.consumer],
      });
      latency = {
        ratePerSymbol: LATENCY_RATE,
        symbols: BENCH_SYMBOLS.length,
        ...await storeLatency(slow.db.sql, from),
      };
    } finally {
      await slow.stop();
    }
    console.log(
      `end-to-end latency at ${BENCH_SYMBOLS.length} × ${LATENCY_RATE} trades/s: ` +
        `p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms ` +
        `(${grouped(latency.trades)} trades; trade time at the simulator → start of the ` +
        `consumer's storing transaction, through WebSocket, producer, Kafka and consumer)`,
    );

    const tradesPerSymbol = THROUGHPUT_RATE * (quick ? 5 : 20);
    const total = BENCH_SYMBOLS.length * tradesPerSymbol;
    const fast = await startPipelineRun({
      ...context,
      label: "throughput",
      rate: THROUGHPUT_RATE,
      tradesPerSymbol,
    });
    let throughput: ThroughputPhase;
    try {
      const start = await fast.start();
      const from = Date.now() + WARM_UP_MS;
      let sourceFinishedAfterMs: number | undefined;
      const samples = await pollUntilStored({
        sql: fast.db.sql,
        total,
        expectedMs: tradesPerSymbol / THROUGHPUT_RATE * 1000,
        watched: [fast.producer, fast.consumer],
        start,
        onPoll(ms) {
          if (sourceFinishedAfterMs === undefined && fast.simulator.sentTrades().length >= total) {
            sourceFinishedAfterMs = Math.round(ms);
          }
        },
      });
      throughput = {
        ratePerSymbol: THROUGHPUT_RATE,
        offeredPerSecond: BENCH_SYMBOLS.length * THROUGHPUT_RATE,
        trades: total,
        storedPerSecond: sustainedRate(samples, total),
        sourceFinishedAfterMs,
        allStoredAfterMs: Math.round(samples[samples.length - 1].ms),
        latency: await storeLatency(fast.db.sql, from),
        producerPeakRssMiB: await fast.producer.peakRssMiB(),
        consumerPeakRssMiB: await fast.consumer.peakRssMiB(),
      };
    } finally {
      await fast.stop();
    }
    console.log(
      `sustained end to end at ${grouped(throughput.offeredPerSecond)} trades/s offered: ` +
        `${grouped(throughput.storedPerSecond ?? NaN)} trades/s stored ` +
        `(${grouped(total)} trades; the source finished after ` +
        `${grouped(throughput.sourceFinishedAfterMs ?? NaN)} ms, the last trade was stored after ` +
        `${grouped(throughput.allStoredAfterMs)} ms; latency under this load p50 ` +
        `${throughput.latency.p50Ms} ms, p99 ${throughput.latency.p99Ms} ms)`,
    );
    console.log(
      `peak RSS (VmHWM) at that load: producer ${throughput.producerPeakRssMiB} MiB, ` +
        `consumer ${throughput.consumerPeakRssMiB} MiB`,
    );

    const drain = await drainTopic(broker.bootstrap, fast.topic, total, context, fast.simulator);
    console.log(
      `consumer draining a backlog of ${grouped(total)} trades from Kafka: ` +
        `${grouped(drain.storedPerSecond ?? NaN)} trades/s stored (the consumer's capacity, ` +
        `no producer running); peak RSS ${drain.consumerPeakRssMiB} MiB`,
    );
    return { latency, throughput, drain };
  } finally {
    await stopBroker();
  }
}
