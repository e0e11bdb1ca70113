/** What every dashboard route gets in `ctx.state`. */
import type { Sql } from "./database.ts";

/** The dashboard's shared resources. */
export interface DashboardState {
  /** A pool that only reads (see the README's read-only role). */
  sql: Sql;
  /** The configured symbols: the only ones the APIs accept. */
  symbols: string[];
}
