/**
 * `deno task migrate`: creates the database named by `DATABASE_URL` when it does not exist,
 * then applies the migrations it has not had yet.
 */
import { runEntry } from "../runtime/entry.ts";
import { connectDatabase } from "../runtime/database.ts";
import { databaseConfig } from "../runtime/config.ts";
import { redactUrl } from "../runtime/env_reader.ts";
import { ensureDatabase } from "./ensure_database.ts";
import { migrate } from "./migrations.ts";

/** What {@link migrateDatabase} did. */
export interface MigrationReport {
  /** Whether the database itself had to be created. */
  created: boolean;
  /** The versions applied now. */
  applied: string[];
}

/** Creates the database `url` names if missing and brings its schema up to date. */
export async function migrateDatabase(url: string): Promise<MigrationReport> {
  const created = await ensureDatabase(url);
  const sql = connectDatabase(url, { max: 1 });
  try {
    return { created, applied: await migrate(sql) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.main) {
  await runEntry("migrate", databaseConfig, async (config, { log }) => {
    const { created, applied } = await migrateDatabase(config.databaseUrl);
    log.info(applied.length ? "migrations applied" : "schema up to date", {
      database: redactUrl(config.databaseUrl),
      created,
      applied,
    });
  });
}
