/** The one place a postgres.js connection pool is made. TLS follows the URL's `sslmode`. */
import postgres from "postgres";
import { createLogger } from "./log.ts";

/** A postgres.js query function (tagged template) with its pool. */
export type Sql = postgres.Sql;

/** Options for {@link connectDatabase}. */
export interface ConnectOptions {
  /** Pool size; the consumer needs one per storing lane and one more, the dashboard a few. */
  max?: number;
  /** Seconds to wait for a connection before a query fails. */
  connectTimeout?: number;
}

/**
 * Opens a pool on `url`. Notices are dropped (migrations emit "already exists" ones);
 * `numeric` and `bigint` values come back as strings, never floats. The first call also guards
 * the process against postgres.js' crash on a closed connection (see {@link DatabasePool}).
 */
export function connectDatabase(url: string, options: ConnectOptions = {}): Sql {
  guardAgainstClosedSocketCrash();
  return postgres(url, {
    max: options.max ?? 4,
    connect_timeout: options.connectTimeout ?? 10,
    onnotice: () => {},
    connection: { application_name: "crypto-pipeline" },
  });
}

/**
 * A pool that can be replaced by a fresh one. When the server closes a connection while a
 * transaction is open, postgres.js 3.4.9 writes the rollback to the closed socket from a timer
 * (porsager/postgres#1154, #1208): the TypeError it throws there cannot be caught by the
 * caller, and the connection it leaves never sends again. The guard installed by
 * {@link connectDatabase} keeps the process alive; the pool's user renews the pool after a
 * failed query so the broken connection is dropped.
 */
export class DatabasePool {
  #sql: Sql;
  readonly #url: string;
  readonly #options: ConnectOptions;

  constructor(url: string, options: ConnectOptions = {}) {
    this.#url = url;
    this.#options = options;
    this.#sql = connectDatabase(url, options);
  }

  /** The current pool. */
  get sql(): Sql {
    return this.#sql;
  }

  /** Replaces the pool; the old one's connections are destroyed, their queries rejected. */
  renew(): void {
    const old = this.#sql;
    this.#sql = connectDatabase(this.#url, this.#options);
    old.end({ timeout: 0 }).catch(() => {});
  }

  /** Closes the pool, waiting up to `timeoutSeconds` for queries in flight. */
  end(timeoutSeconds = 5): Promise<void> {
    return this.#sql.end({ timeout: timeoutSeconds });
  }
}

let guarded = false;

/** Swallows (and logs) only the postgres.js defect described at {@link DatabasePool}. */
function guardAgainstClosedSocketCrash(): void {
  if (guarded) return;
  guarded = true;
  const log = createLogger("database", "warn");
  globalThis.addEventListener("error", (event) => {
    const error = event.error;
    const stack = error instanceof Error ? error.stack ?? "" : "";
    if (
      error instanceof TypeError && /reading 'write'/.test(error.message) &&
      /postgres/.test(stack) && /nextWrite/.test(stack)
    ) {
      event.preventDefault();
      log.warn("postgres.js wrote to a closed connection (porsager/postgres#1154); ignored", {
        error,
      });
    }
  });
}
