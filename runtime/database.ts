/** The one place a postgres.js connection pool is made. TLS follows the URL's `sslmode`. */
import postgres from "postgres";

/** A postgres.js query function (tagged template) with its pool. */
export type Sql = postgres.Sql;

/** Options for {@link connectDatabase}. */
export interface ConnectOptions {
  /** Pool size; the consumer needs one connection, the dashboard a few. */
  max?: number;
  /** Seconds to wait for a connection before a query fails. */
  connectTimeout?: number;
}

/**
 * Opens a pool on `url`. Notices are dropped (migrations emit "already exists" ones);
 * `numeric` and `bigint` values come back as strings, never floats.
 */
export function connectDatabase(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 4,
    connect_timeout: options.connectTimeout ?? 10,
    onnotice: () => {},
    connection: { application_name: "crypto-pipeline" },
  });
}
