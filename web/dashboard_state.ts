/** What every dashboard route gets in `ctx.state`. */
import type { Sql } from "../runtime/database.ts";
import type { LiveHub } from "./live_hub.ts";
import type { Logger } from "../runtime/log.ts";
import type { RequestTiming } from "./request_timing.ts";
import type { ClientLimits } from "./client_limits.ts";

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
  /**
   * `DASHBOARD_READ_TOKEN`: the page, the APIs and the stream need it (signed in, or as a
   * bearer token); absent: reading is public.
   */
  readToken?: string;
  /** Requests a second and streams per client address; absent: unlimited. */
  limits?: ClientLimits;
  /** Whether the client's address is the last of `X-Forwarded-For` (a proxy in front). */
  trustForwardedFor?: boolean;
  /** Time per route, served on `/metrics`; absent: not measured. */
  timing?: RequestTiming;
  /** The fan-out of the consumer's NOTIFY; absent when live updates are off. */
  live?: LiveHub;
}
