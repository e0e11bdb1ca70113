/** The periodic one-line status every component logs: its counters and a rate. */
import type { Logger } from "./log.ts";
import { type Stoppable, stoppable } from "./stoppable.ts";

/**
 * Logs `status` every `intervalMs` with the fields `read` returns, plus `ratePerSecond`: how
 * fast the counter named `rateOf` grew since the last line. Returns a function that stops it.
 */
export function startStatusLine(
  log: Logger,
  intervalMs: number,
  rateOf: string,
  read: () => Record<string, unknown>,
): Stoppable {
  let previous = { count: Number(read()[rateOf]), at: Date.now() };
  const timer = setInterval(() => {
    const fields = read();
    const now = { count: Number(fields[rateOf]), at: Date.now() };
    const ratePerSecond = Math.round((now.count - previous.count) * 1000 / (now.at - previous.at));
    log.info("status", { ratePerSecond, ...fields });
    previous = now;
  }, intervalMs);
  return stoppable(() => clearInterval(timer));
}
