/**
 * The consumer's moving windows in memory, restored from the database on first use and
 * dropped whenever what is stored may differ from them (a failed or refused store, a late
 * trade recomputed in SQL, a rebalance). Rows are planned on them as batches are taken in.
 */
import type { Sql } from "../runtime/database.ts";
import type { TradeEvent } from "../domain/trade_event.ts";
import type { MovingWindow } from "../domain/moving_window.ts";
import { type BatchPlan, planBatch } from "../domain/batch_plan.ts";
import { loadWindows } from "./stored_averages.ts";

/** Rows planned on the windows of one generation: stale once the windows were dropped. */
export interface Planned extends BatchPlan {
  generation: number;
}

/** The windows of every symbol, and how often they were dropped. */
export class WindowCache {
  #windows?: Map<string, MovingWindow>;
  // Bumped whenever the windows are dropped, so an attempt that outlived its deadline cannot
  // put back windows the retry no longer trusts.
  #generation = 0;

  constructor(readonly windowSize: number, readonly whaleThreshold: string) {}

  /** Drops the windows; the next plan restores them from the database. */
  forget(): void {
    this.#windows = undefined;
    this.#generation++;
  }

  /**
   * Plans `events` on the windows at hand (advancing them), or undefined when there are none:
   * then they are planned when stored, by {@link WindowCache.current}.
   */
  planIfLoaded(events: readonly TradeEvent[]): Planned | undefined {
    if (!this.#windows || events.length === 0) return undefined;
    return { generation: this.#generation, ...this.#plan(events, this.#windows) };
  }

  /** `planned` while its windows are current; else `events` planned on windows from `sql`. */
  async current(
    sql: Sql,
    events: readonly TradeEvent[],
    planned?: Planned,
  ): Promise<BatchPlan> {
    if (planned?.generation === this.#generation) return planned;
    const generation = this.#generation;
    const windows = this.#windows ?? await loadWindows(sql, this.windowSize);
    if (generation !== this.#generation) throw new Error("store attempt superseded");
    this.#windows = windows;
    return this.#plan(events, windows);
  }

  #plan(events: readonly TradeEvent[], windows: Map<string, MovingWindow>): BatchPlan {
    return planBatch(events, windows, this.windowSize, this.whaleThreshold);
  }
}
