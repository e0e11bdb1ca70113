/**
 * The highest rate the whole pipeline sustains: one run (simulator → producer.ts → Kafka →
 * consumer.ts → PostgreSQL) offered rising rates, step by step, until the stored count falls
 * behind what was generated with a lag that keeps growing, or trades never arrive (the producer
 * drops them once its buffer is full). Between steps the simulator pauses until everything
 * generated is stored but what the producer dropped, so each step starts level.
 */
import { sleep } from "../runtime/sleep.ts";
import { BENCH_SYMBOLS } from "./bench_trades.ts";
import type { PipelineRun } from "./pipeline_run.ts";
import { grouped, perSecond } from "./measure.ts";
import { countStored, storedAllSent } from "./stored_trades.ts";

/** One offered rate and what became of it. */
export interface RateStep {
  /** Trades per second asked of the simulator, all symbols. */
  offeredPerSecond: number;
  /** Trades per second the simulator generated over the step. */
  generatedPerSecond: number;
  /** Trades per second stored over the step's second half. */
  storedPerSecond: number;
  /** Generated minus stored at the step's midpoint and at its end. */
  lagAtMid: number;
  lagAtEnd: number;
  /** Messages the producer dropped on a full buffer by the end of the step (trades, and the odd heartbeat): never stored. */
  lost: number;
  sustained: boolean;
  /** Peak RSS (`VmHWM`) of the run's processes after the step, in MiB. */
  producerPeakRssMiB: number | undefined;
  consumerPeakRssMiB: number | undefined;
}

/** What the search found. */
export interface RateSearchResult {
  steps: RateStep[];
  /**
   * The generated rate of the highest step that was sustained (its stored rate can exceed it
   * while a standing lag is caught up); 0 when none was.
   */
  sustainedPerSecond: number;
  /** Trades the run's topic holds afterwards (all stored), for the drain phase. */
  generated: number;
}

const SAMPLE_MS = 250;

/**
 * A step is sustained when the pipeline stored at least 95% of what was generated over the
 * step's second half and its lag grew by less than a quarter of a second of trades from the
 * midpoint to the end: a backlog that stands still is latency, one that grows is falling behind.
 */
export function stepSustained(
  step: Pick<RateStep, "generatedPerSecond" | "storedPerSecond" | "lagAtMid" | "lagAtEnd" | "lost">,
): boolean {
  return step.lost === 0 && step.storedPerSecond >= 0.95 * step.generatedPerSecond &&
    step.lagAtEnd - step.lagAtMid < step.generatedPerSecond / 4;
}

/**
 * Offers `rates` (trades per second, all symbols) to `run` for `stepSeconds` each, in order,
 * and stops after the first step that is not sustained. `run` must have been started (its
 * simulator is left paused, as it is between steps).
 */
export async function searchSustainedRate(
  run: PipelineRun,
  rates: readonly number[],
  stepSeconds: number,
): Promise<RateSearchResult> {
  const { simulator, db } = run;
  const steps: RateStep[] = [];
  simulator.pause();
  for (const offered of rates) {
    simulator.setRate(offered / BENCH_SYMBOLS.length);
    const generatedBefore = simulator.generatedCount();
    const start = performance.now();
    simulator.resume();
    const samples: { ms: number; generated: number; stored: number }[] = [];
    while (performance.now() - start < stepSeconds * 1000) {
      await sleep(SAMPLE_MS);
      const generated = simulator.generatedCount();
      samples.push({ ms: performance.now() - start, generated, stored: await countStored(db.sql) });
    }
    simulator.pause();
    const end = samples[samples.length - 1];
    const mid = samples.find((s) => s.ms >= end.ms / 2)!;
    const generated = simulator.generatedCount();
    const what = `the backlog of the ${grouped(offered)}/s step`;
    const dropped = await storedAllSent(run, generated, what, SAMPLE_MS);
    const step: RateStep = {
      offeredPerSecond: offered,
      generatedPerSecond: perSecond(end.generated - generatedBefore, end.ms),
      storedPerSecond: perSecond(end.stored - mid.stored, end.ms - mid.ms),
      lagAtMid: mid.generated - mid.stored,
      lagAtEnd: end.generated - end.stored,
      lost: dropped,
      sustained: false,
      producerPeakRssMiB: await run.producer.peakRssMiB(),
      consumerPeakRssMiB: await run.consumer.peakRssMiB(),
    };
    step.sustained = stepSustained(step);
    steps.push(step);
    console.log(
      `   offered ${grouped(offered).padStart(6)}/s: generated ${
        grouped(step.generatedPerSecond).padStart(6)
      }/s, stored ${grouped(step.storedPerSecond).padStart(6)}/s, lag ${
        grouped(step.lagAtMid)
      } → ` +
        `${grouped(step.lagAtEnd)} trades` +
        (step.lost > 0 ? `, ${grouped(step.lost)} never stored (dropped by the producer)` : "") +
        `: ${step.sustained ? "sustained" : "falling behind"}`,
    );
    if (!step.sustained) break;
  }
  const sustained = steps.filter((s) => s.sustained);
  return {
    steps,
    sustainedPerSecond: sustained.length ? sustained[sustained.length - 1].generatedPerSecond : 0,
    generated: await countStored(db.sql),
  };
}
