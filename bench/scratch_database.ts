/**
 * Throwaway migrated databases for the benchmark on the server of `BENCH_DATABASE_URL`
 * (else `TEST_DATABASE_URL`, else the local one), each dropped when done or on cleanup.
 */
import { connectDatabase, type Sql } from "../runtime/database.ts";
import { migrate } from "../db/migrations.ts";
import type { Cleanup } from "./cleanup.ts";

/** A fresh database: its URL, a small pool on it, and `drop` to remove both. */
export interface ScratchDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

const SERVER_URL = Deno.env.get("BENCH_DATABASE_URL") ?? Deno.env.get("TEST_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of the server the benchmark's databases live on. */
export function serverUrl(): string {
  return SERVER_URL;
}

/**
 * Creates and migrates `pipeline_bench_<label>_<random>`; `label` is lower-case letters and
 * underscores. Its drop is registered with `cleanup`, so it goes even if the caller fails.
 */
export async function createScratchDatabase(
  label: string,
  cleanup: Cleanup,
): Promise<ScratchDatabase> {
  const name = `pipeline_bench_${label}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const admin = connectDatabase(SERVER_URL, { max: 1 });
  let sql: Sql | undefined;
  const drop = cleanup.add(`dropping database ${name}`, async () => {
    await sql?.end({ timeout: 5 });
    try {
      await admin`drop database if exists ${admin(name)} with (force)`;
    } finally {
      await admin.end({ timeout: 5 });
    }
  });
  try {
    await admin`create database ${admin(name)}`;
    sql = connectDatabase(url.toString(), { max: 2 });
    await migrate(sql);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url: url.toString(), sql, drop };
}
