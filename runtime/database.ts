/**
 * The one place a postgres.js connection pool is made. TLS follows the URL's `sslmode` and
 * `sslrootcert` (see `database_tls.ts`).
 */
import postgres from "postgres";
import { createLogger } from "./log.ts";
import { databaseTls } from "./database_tls.ts";

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
  const tls = databaseTls(url);
  return postgres(tls.url, {
    ssl: tls.ssl,
    max: options.max ?? 4,
    connect_timeout: options.connectTimeout ?? 10,
    onnotice: () => {},
    connection: { application_name: "crypto-pipeline" },
  });
}

/**
 * A pool that can be replaced by a fresh one. When the server closes a connection while a
 * transaction is open, postgres.js 3.4.9 writes the rollback to the closed socket from a
 * `setImmediate` callback (porsager/postgres#1154, #1208): the TypeError it throws there cannot
 * be caught by the caller, and the connection it leaves never sends again. The guard installed by
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

  /** Closes the pool, as `await using` does at the end of its scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.end();
  }
}

let guarded = false;

/** The TypeError postgres.js' `nextWrite` throws on a socket already closed. */
function isClosedSocketWrite(error: unknown): boolean {
  const stack = error instanceof Error ? error.stack ?? "" : "";
  return error instanceof TypeError && /reading 'write'/.test(error.message) &&
    /postgres/.test(stack) && /nextWrite/.test(stack);
}

/**
 * Swallows (and logs) only the postgres.js defect described at {@link DatabasePool}, inside the
 * `setImmediate` callback that throws it. Caught any later (as an uncaught error), it would
 * have cut Deno's run of immediates short: the next run then crashes the process with "Cannot
 * read properties of undefined (reading '_idleNext')" when an immediate queued behind it was
 * cleared meanwhile, as the other connection of the consumer's two storing lanes does when the
 * server goes down under both.
 */
function guardAgainstClosedSocketCrash(): void {
  if (guarded) return;
  guarded = true;
  const log = createLogger("database", "warn");
  const schedule = globalThis.setImmediate;
  globalThis.setImmediate =
    ((callback: (...args: unknown[]) => void, ...args: unknown[]) =>
      schedule((...given: unknown[]) => {
        try {
          callback(...given);
        } catch (error) {
          if (!isClosedSocketWrite(error)) throw error;
          log.warn("postgres.js wrote to a closed connection (porsager/postgres#1154); ignored", {
            error,
          });
        }
      }, ...args)) as typeof setImmediate;
}

/** A string element that needs no quotes: letters, digits, `.` and `-`, and not `NULL`. */
const PLAIN = /^(?!null$)[0-9A-Za-z.-]+$/i;

/**
 * `{a,b,…}` of `values`, to pass as one text parameter cast to an array type, as in
 * `${arrayLiteral(ids)}::bigint[]`: the one way arrays go to PostgreSQL here. Numbers, bigints
 * and booleans go as they are, plain strings (decimals, symbols) too, and any other string is
 * quoted and escaped. Not postgres.js' `sql.array`, for two reasons: it serialises only once it
 * has fetched the server's array types, which a pool's very first query may precede, and it
 * escapes and quotes each element, which cost the consumer about a tenth of its storing time
 * (nine arrays of thousands of elements per batch; measured with the storage bench).
 */
export function arrayLiteral(values: readonly (string | number | bigint | boolean)[]): string {
  let quoted: (string | number | bigint | boolean)[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "string" || PLAIN.test(value)) continue;
    quoted ??= [...values];
    quoted[i] = `"${value.replace(/[\\"]/g, "\\$&")}"`;
  }
  return `{${(quoted ?? values).join(",")}}`;
}
