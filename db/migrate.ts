/**
 * `deno task migrate`: creates the database named by `DATABASE_URL` when it does not exist,
 * then applies the migrations it has not had yet.
 */
import { runEntry } from "../pipeline/entry.ts";
import { connectDatabase } from "../pipeline/database.ts";
import { redactUrl } from "../pipeline/config.ts";
import { ensureDatabase } from "./ensure_database.ts";
import { migrate } from "./migrations.ts";

if (import.meta.main) {
  await runEntry("migrate", async (config, log) => {
    if (await ensureDatabase(config.databaseUrl)) {
      log.info("database created", { database: redactUrl(config.databaseUrl) });
    }
    const sql = connectDatabase(config.databaseUrl, { max: 1 });
    try {
      const applied = await migrate(sql);
      log.info(applied.length ? "migrations applied" : "schema up to date", { applied });
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
}
