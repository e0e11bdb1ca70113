/**
 * Paces reloads that follow a stream of changes, such as the chart's after each `update`:
 * the first change reloads at once, changes during a reload or within `minGapMs` of the last
 * one merge into a single reload as soon as the gap has passed. So a feed that never pauses
 * still reloads every `minGapMs`, and never more often (a debounce would never reload at all).
 */
import type { Clock, TimerId } from "../domain/clock.ts";

/** Reloads at most once per gap, and at least once per gap while changes arrive. */
export class RefreshPacer {
  readonly #reload: () => Promise<void>;
  readonly #minGapMs: number;
  readonly #clock: Clock;
  #lastStart = -Infinity;
  #running = false;
  #pending = false;
  #timer?: TimerId;
  #stopped = false;

  /** `reload` should not reject; its failures are its own to report. */
  constructor(reload: () => Promise<void>, minGapMs: number, clock: Clock) {
    this.#reload = reload;
    this.#minGapMs = minGapMs;
    this.#clock = clock;
  }

  /** Notes a change: reloads now, or once the gap since the last reload has passed. */
  changed(): void {
    if (this.#stopped) return;
    this.#pending = true;
    if (this.#running || this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastStart + this.#minGapMs - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#run();
    }, wait);
  }

  /** Cancels a reload not yet started; changes after this are ignored. */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    this.#pending = false;
    this.#running = true;
    this.#lastStart = this.#clock.now();
    try {
      await this.#reload();
    } finally {
      this.#running = false;
      if (this.#pending) this.changed();
    }
  }
}
