/** What every dashboard route gets in `ctx.state`, and how a serving thread makes it. */
import type { Sql } from "../runtime/database.ts";
import type { LiveHub } from "./live_hub.ts";
import type { Logger } from "../runtime/log.ts";
import { RequestTiming } from "./request_timing.ts";
import type { DashboardConfig } from "../runtime/config.ts";
import type { ClientGate } from "./client_limits.ts";
import type { ServingFigures } from "../domain/dashboard_workers.ts";

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
  /**
   * Requests a second and streams per client address, and streams in all (this thread's, or
   * through a worker's link, the main thread's); absent: unlimited.
   */
  limits?: ClientGate;
  /** Whether the client's address is the last of `X-Forwarded-For` (a proxy in front). */
  trustForwardedFor?: boolean;
  /** Time per route, served on `/metrics`; absent: not measured. */
  timing?: RequestTiming;
  /** The fan-out of the consumer's NOTIFY; absent when live updates are off. */
  live?: LiveHub;
  /**
   * The whole dashboard's figures for `/metrics`, over every worker; absent: this thread's
   * own (`localFigures`).
   */
  figures?: () => Promise<ServingFigures>;
}

/**
 * The state every route gets, from the dashboard's settings and the parts the thread serving
 * them holds: the same whether the main thread serves alone or a worker does.
 */
export function dashboardState(
  config: DashboardConfig,
  parts: Pick<DashboardState, "sql" | "log" | "live" | "limits" | "figures">,
): DashboardState {
  return {
    ...parts,
    symbols: config.symbols,
    feedSimulated: config.feedSimulated,
    adminToken: config.dashboardAdminToken,
    readToken: config.dashboardReadToken,
    trustForwardedFor: config.dashboardTrustForwardedFor,
    timing: new RequestTiming(),
  };
}
