/** Pure domain throughput, no I/O: Binance frames parsed, and trades planned into rows. */
import { parseBinanceFrame } from "../domain/binance_frame.ts";
import { planBatch } from "../domain/batch_plan.ts";
import type { MovingWindow } from "../domain/moving_window.ts";
import {
  BATCH_SIZE,
  BENCH_SYMBOLS,
  binanceFrames,
  inBatches,
  simulatedTrades,
  tradeEvents,
  WHALE_THRESHOLD,
  WINDOW_SIZE,
} from "./bench_trades.ts";
import { grouped, measureThroughput, type Throughput } from "./measure.ts";

/** Throughput of the two hot paths of the domain. */
export interface DomainResult {
  /** `parseBinanceFrame` on combined-stream trade frames: frames per second. */
  parseFrame: Throughput;
  /** `planBatch` (window 100, whale rule) on batches of 2,000 events: trades per second. */
  planBatch: Throughput;
}

/** Measures both paths on the same seeded trades; `quick` runs fewer, shorter rounds. */
export function benchDomain(quick: boolean): DomainResult {
  const trades = simulatedTrades(40_000);
  const rounds = quick ? { warmupMs: 500, rounds: 5 } : { warmupMs: 1_000, rounds: 15 };

  const frames = binanceFrames(trades);
  const symbols = new Set(BENCH_SYMBOLS);
  const parseFrame = measureThroughput(() => {
    const receivedAt = Date.now();
    let parsed = 0;
    for (const frame of frames) {
      if (parseBinanceFrame(frame, receivedAt, symbols).kind === "trade") parsed++;
    }
    // A rejected frame would take a shorter path and flatter the number.
    if (parsed !== frames.length) throw new Error(`${frames.length - parsed} frames rejected`);
    return parsed;
  }, rounds);
  console.log(
    `parseBinanceFrame: ${grouped(parseFrame.opsPerSecond)} frames/s ` +
      `(median of ${rounds.rounds} rounds of ${grouped(frames.length)} frames; ` +
      `rounds ranged ${grouped(parseFrame.minOpsPerSecond)}–${
        grouped(parseFrame.maxOpsPerSecond)
      })`,
  );

  const batches = inBatches(tradeEvents(trades), BATCH_SIZE);
  const plan = measureThroughput(() => {
    // Fresh windows each round: trade ids must rise, as they do in a real run.
    const windows = new Map<string, MovingWindow>();
    let rows = 0;
    for (const batch of batches) {
      rows += planBatch(batch, windows, WINDOW_SIZE, WHALE_THRESHOLD).rows.length;
    }
    return rows;
  }, rounds);
  console.log(
    `planBatch: ${grouped(plan.opsPerSecond)} trades/s ` +
      `(moving average over ${WINDOW_SIZE}, value and whale flag, batches of ${
        grouped(BATCH_SIZE)
      }; ` +
      `rounds ranged ${grouped(plan.minOpsPerSecond)}–${grouped(plan.maxOpsPerSecond)})`,
  );
  return { parseFrame, planBatch: plan };
}
