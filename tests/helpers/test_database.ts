/** A fresh, migrated database per test on the server of `TEST_DATABASE_URL` (default local). */
import { connectDatabase, type Sql } from "../../runtime/database.ts";
import { migrate } from "../../db/migrations.ts";

/** A throwaway database: its URL, a pool on it, and `drop` (or `await using`) to remove both. */
export interface TestDatabase extends AsyncDisposable {
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** The server tests create their databases on. */
export const SERVER_URL = Deno.env.get("TEST_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

/** Creates a database with a unique name, migrated unless `migrated` is false. */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const name = `pipeline_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = connectDatabase(SERVER_URL, { max: 1 });
  await admin`create database ${admin(name)}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const sql = connectDatabase(url.toString(), { max: 4 });
  if (migrated) await migrate(sql);
  const drop = async () => {
    await sql.end({ timeout: 5 });
    await admin`drop database if exists ${admin(name)} with (force)`;
    await admin.end({ timeout: 5 });
  };
  return { url: url.toString(), sql, drop, [Symbol.asyncDispose]: drop };
}
