/**
 * `deno task start`: the whole local stack in one command. Infra (Kafka, PostgreSQL),
 * migrations, then the consumer and the producer on live Binance, or on the simulator when
 * Binance cannot be reached. Ctrl-C stops everything it started.
 */
import { onShutdown, runEntry } from "../pipeline/entry.ts";
import { connectDatabase } from "../pipeline/database.ts";
import { ensureDatabase } from "../db/ensure_database.ts";
import { migrate } from "../db/migrations.ts";
import { startInfra } from "./infra.ts";
import { chooseFeed } from "./feed_choice.ts";
import { supervise } from "./supervisor.ts";

await runEntry("start", async (config, log) => {
  // Registered first, so a Ctrl-C during start-up still stops what was started, newest first.
  const cleanups: (() => Promise<void>)[] = [];
  onShutdown(log, async () => {
    for (const cleanup of cleanups.reverse()) {
      // Ctrl-C reaches the whole process group: a part may have stopped by itself already.
      await cleanup().catch((error) => log.warn("stopping a part failed", { error }));
    }
  });
  const infra = await startInfra(config, log);
  cleanups.push(infra.stop);
  await ensureDatabase(config.databaseUrl);
  const sql = connectDatabase(config.databaseUrl, { max: 1 });
  try {
    const applied = await migrate(sql);
    log.info("database ready", { applied });
  } finally {
    await sql.end({ timeout: 5 });
  }
  const feed = await chooseFeed(config, log);
  cleanups.push(feed.stop);
  const env = {
    ...Deno.env.toObject(),
    BINANCE_WS_URL: feed.url,
    BINANCE_REST_URL: feed.restUrl,
    FEED_SIMULATED: String(feed.simulated),
  };
  for (const entry of ["consumer.ts", "producer.ts"]) {
    const component = supervise(entry, env, log);
    cleanups.push(component.stop);
  }
  log.info("stack running; Ctrl-C stops it", {
    kafka: infra.kafka,
    postgres: infra.postgres,
    feed: feed.simulated ? "simulated" : "live",
  });
});
