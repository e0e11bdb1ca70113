/**
 * Time as an injected dependency: code that waits or measures takes a {@link Clock}, so tests
 * drive it with fake time instead of sleeping. {@link systemClock} is the real one, which entry
 * points and islands inject; domain code never reaches for it itself.
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

/** Wall time and the platform's timers, the same in Deno and in the browser. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as number),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (id) => clearInterval(id as number),
};
