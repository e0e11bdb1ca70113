/**
 * The consumer's capacity: a new consumer group reads a topic that already holds every trade,
 * with no producer running, into a fresh database.
 */
import type { Simulator } from "../stack/simulator.ts";
import type { Cleanup } from "./cleanup.ts";
import { componentEnv } from "./pipeline_run.ts";
import { type PipelineProcess, startPipelineProcess } from "./pipeline_process.ts";
import { createScratchDatabase } from "./scratch_database.ts";
import { pollUntilStored, sustainedRate } from "./stored_trades.ts";

/** A new consumer group reading a run's topic from the start. */
export interface DrainPhase {
  trades: number;
  /** Stored trades per second while the count went from 10% to 90%. */
  storedPerSecond: number | undefined;
  /** From the consumer's process start (its start-up and group join included). */
  allStoredAfterMs: number;
  consumerPeakRssMiB: number | undefined;
}

/**
 * Starts a consumer of a new group on `topic`, which holds `total` trades, into a fresh
 * database, and measures how fast it stores the backlog; stops both again.
 */
export async function drainTopic(
  bootstrap: string,
  topic: string,
  total: number,
  context: { logDir: string; cleanup: Cleanup },
  simulator: Simulator,
): Promise<DrainPhase> {
  const db = await createScratchDatabase("drain", context.cleanup);
  let consumer: PipelineProcess | undefined;
  try {
    const env = componentEnv(bootstrap, topic, "drain", db.url, simulator);
    const start = performance.now();
    consumer = await startPipelineProcess(
      "consumer.ts",
      "drain-consumer",
      env,
      context.logDir,
      context.cleanup,
    );
    // Faster polls than elsewhere: the backlog drains in seconds. At least 5,000 trades/s.
    const samples = await pollUntilStored({
      sql: db.sql,
      total,
      expectedMs: total / 5,
      watched: [consumer],
      pollMs: 100,
    });
    return {
      trades: total,
      storedPerSecond: sustainedRate(samples, total),
      allStoredAfterMs: Math.round(performance.now() - start),
      consumerPeakRssMiB: await consumer.peakRssMiB(),
    };
  } finally {
    await consumer?.stop();
    await db.drop();
  }
}
