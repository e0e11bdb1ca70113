/** Fake time for tests: timers fire only when the test moves the clock on. */
import type { Clock, TimerId } from "../../domain/clock.ts";

interface Timer {
  at: number;
  callback: () => void;
  /** Set for an interval: its period. */
  every?: number;
}

/** A {@link Clock} whose time stands still until {@link FakeClock.advance}. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerId {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    this.#timers.delete(id as number);
  }

  setInterval(callback: () => void, ms: number): TimerId {
    const every = Math.max(1, ms);
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + every, callback, every });
    return id;
  }

  clearInterval(id: TimerId | undefined): void {
    this.#timers.delete(id as number);
  }

  /** Moves time on by `ms`, running every timer that falls due, in order, each at its time. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      const [id, timer] = next;
      this.#now = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.#timers.delete(id);
      timer.callback();
    }
    this.#now = end;
  }
}
