/** The real clock: wall time and the platform's timers. Works in Deno and in the browser. */
import type { Clock } from "../domain/clock.ts";

/** Wall time and `globalThis` timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as number),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (id) => clearInterval(id as number),
};
