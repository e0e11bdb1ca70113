/**
 * End to end on real parts: a Kafka broker, the simulator, `producer.ts` and `consumer.ts`
 * as child processes and fresh databases. Three phases: latency at 1,000 trades/s, the highest
 * rate the pipeline sustains, and a second consumer draining that run's topic as a backlog; then
 * the producer's Kafka client beside another.
 */
import { startKafkaBroker } from "../stack/kafka_broker.ts";
import { freePort } from "../stack/free_port.ts";
import { BENCH_SYMBOLS } from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { grouped } from "./measure.ts";
import { startPipelineRun } from "./pipeline_run.ts";
import { pollUntilStored, type StoreLatency, storeLatency } from "./stored_trades.ts";
import { type RateSearchResult, searchSustainedRate } from "./rate_search.ts";
import { benchKafkaClients, type KafkaClientResult } from "./kafka_client_bench.ts";
import { type DrainPhase, drainTopic } from "./backlog_drain.ts";

/** Latency at a modest rate, after a warm-up. */
export interface LatencyPhase extends StoreLatency {
  ratePerSymbol: number;
  symbols: number;
}

/** Every phase. */
export interface EndToEndResult {
  kafkaClients: KafkaClientResult;
  latency: LatencyPhase;
  rateSearch: RateSearchResult;
  drain: DrainPhase;
}

/** What {@link benchEndToEnd} needs. */
export interface EndToEndOptions {
  quick: boolean;
  /** Holds the broker's data and the children's logs. */
  workDir: string;
  cleanup: Cleanup;
}

/** Per symbol: 1,000 trades/s in all, the rate the latency target is set at. */
const LATENCY_RATE = 500;
/** Offered rates of the search, all symbols; 10,000/s is where memory is read. */
const SEARCH_RATES = [2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 50_000];
/** The step whose peak RSS is reported as the memory at that rate. */
export const MEMORY_RATE = 10_000;
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

    console.log(
      `highest sustained rate: rising offered rates for ${quick ? 5 : 10} s each, ` +
        "every step stored before the next",
    );
    const searching = await startPipelineRun({ ...context, label: "search", rate: 1 });
    let rateSearch: RateSearchResult;
    try {
      await searching.start();
      rateSearch = await searchSustainedRate(searching, SEARCH_RATES, quick ? 5 : 10);
    } finally {
      await searching.stop();
    }
    const atMemoryRate = rateSearch.steps.find((s) => s.offeredPerSecond === MEMORY_RATE);
    console.log(
      `highest sustained end to end: ${grouped(rateSearch.sustainedPerSecond)} trades/s; ` +
        `peak RSS (VmHWM) after the ${grouped(MEMORY_RATE)}/s step: producer ` +
        `${atMemoryRate?.producerPeakRssMiB} MiB, consumer ${atMemoryRate?.consumerPeakRssMiB} MiB`,
    );

    const drain = await drainTopic(
      broker.bootstrap,
      searching.topic,
      rateSearch.generated,
      context,
      searching.simulator,
    );
    console.log(
      `consumer draining a backlog of ${grouped(rateSearch.generated)} trades from Kafka: ` +
        `${grouped(drain.storedPerSecond ?? NaN)} trades/s stored (the consumer's capacity, ` +
        `no producer running); peak RSS ${drain.consumerPeakRssMiB} MiB`,
    );
    // Last, so that its bursts into the broker cannot touch the pipeline's figures.
    const kafkaClients = await benchKafkaClients(broker.bootstrap, {
      batchSize: 2_000,
      rounds: quick ? 10 : 30,
    });
    return { kafkaClients, latency, rateSearch, drain };
  } finally {
    await stopBroker();
  }
}
