/**
 * How long the dashboard takes to answer, per route: which pages and APIs, with the queries
 * behind them, are slowest. Kept for the life of the process and served on `/metrics`.
 */
import { createRegistry, type Registry, secondsHistogram } from "../runtime/metrics.ts";

/** Up to a slow answer from a busy database. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The `dashboard_request_seconds{route}` histogram. */
export class RequestTiming {
  /** Where the histogram lives, to be merged into each scrape's registry. */
  readonly registry: Registry = createRegistry();
  readonly #seconds = secondsHistogram(
    this.registry,
    "dashboard_request_seconds",
    "Time to answer a request (to the headers, for streams), by route pattern.",
    BUCKETS,
    ["route"],
  );

  /** Records a request to `route` (a pattern, or "none" when no route matched). */
  observe(route: string, seconds: number): void {
    this.#seconds.observe({ route }, seconds);
  }
}
