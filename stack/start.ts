/**
 * `deno task start`: the whole local stack in one command. Infra (Kafka, PostgreSQL),
 * migrations, then the monitor, the consumer, the producer (on live Binance, or on the simulator
 * when Binance cannot be reached) and the dashboard. Ctrl-C stops everything it started, newest first.
 */
import { onShutdown, runEntry } from "../runtime/entry.ts";
import { loadConfig } from "../runtime/config.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { startInfra } from "./infra.ts";
import { chooseFeed } from "./feed_choice.ts";
import { supervise } from "./supervisor.ts";
import { buildIslands } from "./build_islands.ts";
import { LOCAL_TOKEN_PATH, localAdminToken } from "./local_admin_token.ts";

await runEntry("start", loadConfig, async (config, log) => {
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error) => log.warn("stopping a part failed", { error }));
    }
  };
  // Registered first, so a Ctrl-C during start-up still stops what was started.
  onShutdown(log, stopAll);
  try {
    const infra = await startInfra(config, log);
    cleanups.push(infra.stop);
    const { applied } = await migrateDatabase(config.databaseUrl);
    log.info("database ready", { applied });
    await buildIslands();
    const feed = await chooseFeed(config, log);
    cleanups.push(feed.stop);
    const env = {
      BINANCE_WS_URL: feed.url,
      BINANCE_REST_URL: feed.restUrl,
      FEED_SIMULATED: String(feed.simulated),
      // Price rules can be set from the page: with the user's token, or one kept for the stack.
      DASHBOARD_ADMIN_TOKEN: config.dashboardAdminToken ?? await localAdminToken(),
    };
    // Stopped in reverse: the dashboard, the producer (it flushes into Kafka), the consumer, the
    // monitor.
    for (const entry of ["monitor.ts", "consumer.ts", "producer.ts", "dashboard.ts"]) {
      cleanups.push(supervise(entry, env, log).stop);
    }
    log.info("stack running; Ctrl-C stops it", {
      kafka: infra.kafka,
      postgres: infra.postgres,
      feed: feed.simulated ? "simulated" : "live",
      dashboard: `http://localhost:${config.port}`,
      adminToken: config.dashboardAdminToken ? "DASHBOARD_ADMIN_TOKEN" : LOCAL_TOKEN_PATH,
    });
  } catch (error) {
    // A daemon such as a started PostgreSQL would outlive us: stop it before failing.
    await stopAll();
    throw error;
  }
});
