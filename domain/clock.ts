/**
 * Time as an injected dependency: code that waits or measures takes a {@link Clock}, so tests
 * drive it with fake time instead of sleeping. `runtime/clock.ts` has the real one.
 */

/** An opaque timer handle, only ever handed back to the clock that made it. */
export type TimerId = unknown;

/** The time and the timers of one process. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once, after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
  /** Calls `callback` every `ms` milliseconds. */
  setInterval(callback: () => void, ms: number): TimerId;
  clearInterval(id: TimerId | undefined): void;
}
