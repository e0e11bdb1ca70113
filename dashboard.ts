/**
 * The dashboard (`deno task dashboard`, port `PORT`): the server-rendered page, the JSON APIs
 * and the live stream over PostgreSQL, with one LISTEN for the whole process. With
 * `DASHBOARD_WORKERS` above 1 (the default: every core but one, on Linux), workers serve on the
 * one port (`dashboard_worker.ts`) and this thread holds the LISTEN, the live history and the
 * client limits for all of them; with 1, this thread serves alone, as on Deno Deploy. Needs only
 * `--allow-net --allow-env --allow-read`; `deno task dashboard` builds the island bundle
 * (`static/islands.js`) first.
 */
import { runEntry } from "./runtime/entry.ts";
import { stoppable, untilAborted } from "./runtime/stoppable.ts";
import { connectDatabase } from "./runtime/database.ts";
import { dashboardConfig } from "./runtime/config.ts";
import { redactUrl } from "./runtime/env_reader.ts";
import { createApp } from "./fresh/compat.ts";
import { manifest } from "./fresh/manifest.ts";
import { startLiveFeed } from "./web/live_feed.ts";
import { ClientLimits } from "./web/client_limits.ts";
import { dashboardState } from "./web/dashboard_state.ts";
import { startWorkerPool } from "./web/worker_pool.ts";

const STATIC_DIR = new URL("./static/", import.meta.url);
/** Database connections for the routes, over every worker; the LISTEN takes one more. */
const DATABASE_CONNECTIONS = 4;

await runEntry("dashboard", dashboardConfig, async (config, { log, stopping }) => {
  // Without the bundle the page renders but never goes live: say so rather than serve it dead.
  const bundle = new URL("islands.js", STATIC_DIR);
  if (!await Deno.stat(bundle).then(() => true, () => false)) {
    log.error("static/islands.js is missing: the page will not go live; run deno task build", {
      path: decodeURIComponent(bundle.pathname),
    });
  }
  const workers = config.dashboardWorkers;
  // With workers, this thread's pool serves only the live feed's reads.
  const sql = connectDatabase(config.databaseUrl, { max: workers > 1 ? 1 : DATABASE_CONNECTIONS });
  await using _database = stoppable(() => sql.end({ timeout: 5 }));
  const live = await startLiveFeed(sql, log, { frameMs: config.dashboardFrameMs });
  const limits = new ClientLimits({
    requestsPerSecond: config.dashboardRequestsPerSecond,
    streamsPerClient: config.dashboardStreamsPerClient,
    maxStreams: config.dashboardMaxStreams,
  });
  const listening = (port: number) =>
    log.info("listening", {
      url: `http://localhost:${port}`,
      database: redactUrl(config.databaseUrl),
      workers,
    });
  if (workers > 1) {
    await using pool = await startWorkerPool({
      count: workers,
      module: new URL("./dashboard_worker.ts", import.meta.url),
      port: config.port,
      hub: live.hub,
      limits,
      databaseConnections: DATABASE_CONNECTIONS,
      log,
    });
    listening(pool.port);
    await using _live = live;
    await untilAborted(stopping);
    return;
  }
  const state = dashboardState(config, {
    sql,
    log,
    live: live.hub,
    limits,
  });
  const app = createApp(manifest, state, { staticDir: STATIC_DIR });
  await using server = Deno.serve(
    { port: config.port, onListen: ({ port }) => listening(port) },
    app.fetch,
  );
  // Stopped before the server: it ends the live streams, which the server's shutdown awaits.
  await using _live = live;
  await untilAborted(stopping, server.finished);
});
