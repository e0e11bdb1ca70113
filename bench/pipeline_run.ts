/**
 * One run of the real pipeline for the benchmark: the simulator feeding `producer.ts`, a
 * fresh Kafka topic, `consumer.ts` and a fresh database, with the environment the end-to-end
 * test gives them.
 */
import { Kafka, logLevel } from "kafkajs";
import { type Simulator, startSimulator } from "../stack/simulator.ts";
import { BENCH_SYMBOLS, WHALE_THRESHOLD, WINDOW_SIZE } from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { type PipelineProcess, startPipelineProcess } from "./pipeline_process.ts";
import { createScratchDatabase, type ScratchDatabase } from "./scratch_database.ts";
import { waitUntil } from "./wait_until.ts";

/** How {@link startPipelineRun} sets up a run. */
export interface PipelineRunOptions {
  /** Names the run's database, topic, group and logs; lower-case letters and underscores. */
  label: string;
  /** `host:port` of the Kafka broker. */
  bootstrap: string;
  /** Simulated trades per second per symbol. */
  rate: number;
  /** The symbols traded; default `BENCH_SYMBOLS`. */
  symbols?: readonly string[];
  /** The simulator's milliseconds between rounds of trades; default its own (50). */
  tickMs?: number;
  /** Opens the producer's and the consumer's inspector, for their live heaps. */
  inspect?: boolean;
  /** Trades per symbol before the simulator falls silent; default no limit. */
  tradesPerSymbol?: number;
  logDir: string;
  cleanup: Cleanup;
}

/** A run whose trades have not started flowing yet. */
export interface PipelineRun {
  db: ScratchDatabase;
  simulator: Simulator;
  topic: string;
  producer: PipelineProcess;
  consumer: PipelineProcess;
  /**
   * Waits for the producer's connection and the consumer group's join (so start-up is not
   * measured), then lets the simulator generate. Resolves to `performance.now()` then.
   */
  start(): Promise<number>;
  /** Stops the producer, the consumer and the simulator, and drops the database. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** The variables a component of this benchmark runs with; the symbols are the simulator's. */
export function componentEnv(
  bootstrap: string,
  topic: string,
  groupId: string,
  databaseUrl: string,
  simulator: Simulator,
): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: groupId,
    DATABASE_URL: databaseUrl,
    SYMBOLS: simulator.symbols.join(","),
    MOVING_AVERAGE_WINDOW: String(WINDOW_SIZE),
    WHALE_THRESHOLD,
    BINANCE_WS_URL: `${simulator.url}/ws`,
    BINANCE_REST_URL: `http://127.0.0.1:${simulator.port}`,
    SILENCE_TIMEOUT_MS: "5000",
    STATUS_INTERVAL_MS: "1000",
    LOG_LEVEL: "info",
  };
}

/** Starts the database, simulator (paused), consumer and producer of one run. */
export async function startPipelineRun(options: PipelineRunOptions): Promise<PipelineRun> {
  const { label, bootstrap, cleanup, logDir } = options;
  const topic = `bench-${label.replaceAll("_", "-")}-${crypto.randomUUID().slice(0, 8)}`;
  const db = await createScratchDatabase(label, cleanup);
  const simulator = await startSimulator({
    port: 0,
    symbols: [...options.symbols ?? BENCH_SYMBOLS],
    rate: options.rate,
    tickMs: options.tickMs,
    maxTradesPerSymbol: options.tradesPerSymbol,
    // Counted from the stored rows instead: a search offers millions of trades.
    trackSentTrades: false,
    paused: true,
  });
  const stopSimulator = cleanup.add(`stopping the ${label} simulator`, () => simulator.stop());
  const env = componentEnv(bootstrap, topic, label, db.url, simulator);
  const inspect = { inspect: options.inspect };
  const consumer = await startPipelineProcess(
    "consumer.ts",
    `${label}-consumer`,
    env,
    logDir,
    cleanup,
    inspect,
  );
  const producer = await startPipelineProcess(
    "producer.ts",
    `${label}-producer`,
    env,
    logDir,
    cleanup,
    inspect,
  );
  const watched = [producer, consumer];
  return {
    db,
    simulator,
    topic,
    producer,
    consumer,
    async start() {
      await waitUntil("the producer to connect", () => simulator.connectionCount() > 0, {
        timeoutMs: READY_TIMEOUT_MS,
        watched,
      });
      await waitForGroup(bootstrap, label, watched);
      simulator.resume();
      return performance.now();
    },
    async stop() {
      await producer.stop();
      await consumer.stop();
      await stopSimulator();
      await db.drop();
    },
  };
}

/** Resolves once consumer group `groupId` is stable with a member: partitions are assigned. */
export async function waitForGroup(
  bootstrap: string,
  groupId: string,
  watched: readonly PipelineProcess[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: "pipeline-bench",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitUntil(`consumer group ${groupId} to be stable`, async () => {
      const { groups: [group] } = await admin.describeGroups([groupId]);
      return group?.state === "Stable" && group.members.length > 0;
    }, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 200, watched });
  } finally {
    await admin.disconnect();
  }
}
