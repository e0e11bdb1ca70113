/** What every dashboard route gets in `ctx.state`. */
import type { Sql } from "../runtime/database.ts";
import type { LiveHub } from "./live_hub.ts";
import type { Logger } from "../runtime/log.ts";
import type { RequestTiming } from "./request_timing.ts";

/** The dashboard's shared resources. */
export interface DashboardState {
  /**
   * The database pool: it only reads (see the README's read-only role), but for price rules
   * when `adminToken` is set.
   */
  sql: Sql;
  /** The configured symbols: the only ones the APIs accept. */
  symbols: string[];
  log: Logger;
  /** Whether the trades come from the simulator (`FEED_SIMULATED`), shown on the page. */
  feedSimulated?: boolean;
  /** `DASHBOARD_ADMIN_TOKEN`: requests bearing it may change price rules; absent: read-only. */
  adminToken?: string;
  /** Time per route, served on `/metrics`; absent: not measured. */
  timing?: RequestTiming;
  /** The fan-out of the consumer's NOTIFY; absent when live updates are off. */
  live?: LiveHub;
}
