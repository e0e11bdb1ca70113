/** What every dashboard route gets in `ctx.state`. */
import type { Sql } from "../runtime/database.ts";
import type { LiveHub } from "./live_hub.ts";
import type { Logger } from "../runtime/log.ts";

/** The dashboard's shared resources. */
export interface DashboardState {
  /** A pool that only reads (see the README's read-only role). */
  sql: Sql;
  /** The configured symbols: the only ones the APIs accept. */
  symbols: string[];
  log: Logger;
  /** Whether the trades come from the simulator (`FEED_SIMULATED`), shown on the page. */
  feedSimulated?: boolean;
  /** The fan-out of the consumer's NOTIFY; absent when live updates are off. */
  live?: LiveHub;
}
