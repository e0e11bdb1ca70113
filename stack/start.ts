/**
 * `deno task start`: the whole local stack in one command. Infra (Kafka, PostgreSQL),
 * migrations, then the monitor, the consumer, the producer (on live Binance, or on the simulator
 * when Binance cannot be reached) and the dashboard. Ctrl-C stops everything it started, newest first.
 */
import { runEntry } from "../runtime/entry.ts";
import { untilAborted } from "../runtime/stoppable.ts";
import { loadConfig } from "../runtime/config.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { startInfra } from "./infra.ts";
import { chooseFeed } from "./feed_choice.ts";
import { supervise } from "./supervisor.ts";
import { buildIslands } from "./build_islands.ts";
import { LOCAL_TOKEN_PATH, localAdminToken } from "./local_admin_token.ts";

// Each part stops, in reverse, when the stack is stopped, and before it fails: a daemon such as
// a started PostgreSQL would outlive it. A Ctrl-C during start-up stops it after the step under
// way.
await runEntry("start", loadConfig, async (config, { log, stopping }) => {
  await using infra = await startInfra(config, log);
  if (stopping.aborted) return;
  const { applied } = await migrateDatabase(config.databaseUrl);
  log.info("database ready", { applied });
  await buildIslands();
  if (stopping.aborted) return;
  await using feed = await chooseFeed(config, log);
  const env = {
    // Every broker of a local cluster, so a component can start while one of them is down.
    KAFKA_BOOTSTRAP_SERVERS: infra.kafka,
    BINANCE_WS_URL: feed.url,
    BINANCE_REST_URL: feed.restUrl,
    FEED_SIMULATED: String(feed.simulated),
    // Price rules can be set from the page: with the user's token, or one kept for the stack.
    DASHBOARD_ADMIN_TOKEN: config.dashboardAdminToken ?? await localAdminToken(),
  };
  if (stopping.aborted) return;
  // Stopped in reverse: the dashboard, the producer (it flushes into Kafka), the consumer, the
  // monitor.
  await using _monitor = supervise("monitor.ts", env, log);
  await using _consumer = supervise("consumer.ts", env, log);
  await using _producer = supervise("producer.ts", env, log);
  await using _dashboard = supervise("dashboard.ts", env, log);
  log.info("stack running; Ctrl-C stops it", {
    kafka: infra.kafka,
    postgres: infra.postgres,
    feed: feed.simulated ? "simulated" : "live",
    dashboard: `http://localhost:${config.port}`,
    adminToken: config.dashboardAdminToken ? "DASHBOARD_ADMIN_TOKEN" : LOCAL_TOKEN_PATH,
  });
  await untilAborted(stopping);
});
