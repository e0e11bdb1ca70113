/**
 * Versioned migrations: the `NNN_name.sql` files beside this module, applied in order, once
 * each, and recorded in `schema_migrations`. All pending ones apply in one transaction, so a
 * failing migration leaves the schema as it was.
 */
import { DatabasePool, type Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { retryTransient } from "../runtime/retry.ts";

/** One migration file. */
export interface Migration {
  /** The file's three-digit prefix, e.g. "001". */
  version: string;
  path: string;
}

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;
const LOCK_KEY = 7_204_113; // any constant: serialises concurrent `deno task migrate` runs

/** The migrations in `db/`, in version order. */
export async function listMigrations(): Promise<Migration[]> {
  const dir = new URL(".", import.meta.url);
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = MIGRATION_FILE.exec(entry.name);
    if (entry.isFile && match) {
      const path = decodeURIComponent(new URL(entry.name, dir).pathname);
      migrations.push({ version: match[1], path });
    }
  }
  return migrations.sort((a, b) => a.version.localeCompare(b.version));
}

/** The newest version a migrated database has. */
export async function latestVersion(): Promise<string> {
  return (await listMigrations()).at(-1)?.version ?? "000";
}

/** The highest applied version, or undefined when nothing was ever migrated. */
export async function appliedVersion(sql: Sql): Promise<string | undefined> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    select to_regclass('schema_migrations') is not null as exists
  `;
  if (!exists) return undefined;
  const [{ version }] = await sql<{ version: string | null }[]>`
    select max(version) as version from schema_migrations
  `;
  return version ?? undefined;
}

/**
 * Applies the migrations not yet recorded, up to `target` when given (tests start from an old
 * schema that way); returns the versions it applied.
 */
export async function migrate(sql: Sql, target?: string): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    await tx`
      create table if not exists schema_migrations (
        version text primary key,
        applied_at timestamptz not null default now()
      )
    `;
    const done = new Set(
      (await tx<{ version: string }[]>`select version from schema_migrations`).map((r) =>
        r.version
      ),
    );
    for (const migration of await listMigrations()) {
      if (done.has(migration.version)) continue;
      if (target !== undefined && migration.version > target) break;
      await tx.file(migration.path);
      await tx`insert into schema_migrations (version) values (${migration.version})`;
      applied.push(migration.version);
    }
  });
  return applied;
}

/** The database's schema is older than this code; `deno task migrate` fixes it. */
export class SchemaBehindError extends Error {
  readonly code = "SCHEMA_BEHIND";
  constructor(current: string | undefined, latest: string) {
    super(`database schema is at ${current ?? "nothing"}, needs ${latest}: run deno task migrate`);
    this.name = "SchemaBehindError";
  }
}

/** Throws {@link SchemaBehindError} when the schema is missing or behind. */
export async function assertMigrated(sql: Sql): Promise<void> {
  const [current, latest] = await Promise.all([appliedVersion(sql), latestVersion()]);
  if (current === undefined || current < latest) throw new SchemaBehindError(current, latest);
}

/**
 * A pool of `connections` on `url` once the database answers with an up-to-date schema, waiting
 * out outages with backoff; undefined (the pool closed) when `signal` aborts first. A schema
 * behind, refused credentials or permissions are thrown.
 */
export async function migratedPool(
  url: string,
  log: Logger,
  signal: AbortSignal,
  connections = 2,
): Promise<DatabasePool | undefined> {
  const database = new DatabasePool(url, { max: connections });
  await retryTransient("database check", () => assertMigrated(database.sql), {
    log,
    service: "database",
    signal,
  });
  if (!signal.aborted) return database;
  await database.end();
  return undefined;
}
