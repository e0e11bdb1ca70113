/**
 * The dashboard (`deno task dashboard`, port `PORT`): the server-rendered page, the JSON APIs
 * and the live stream over PostgreSQL, with one LISTEN for the whole process. Needs only
 * `--allow-net --allow-env --allow-read`, as on Deno Deploy; `deno task dashboard` builds the
 * island bundle (`static/islands.js`) first.
 */
import { runEntry } from "./runtime/entry.ts";
import { stoppable, untilAborted } from "./runtime/stoppable.ts";
import { connectDatabase } from "./runtime/database.ts";
import { dashboardConfig } from "./runtime/config.ts";
import { redactUrl } from "./runtime/env_reader.ts";
import { createApp } from "./fresh/compat.ts";
import { manifest } from "./fresh/manifest.ts";
import { startLiveHub } from "./web/live_hub.ts";
import { RequestTiming } from "./web/request_timing.ts";
import { ClientLimits } from "./web/client_limits.ts";

const STATIC_DIR = new URL("./static/", import.meta.url);

await runEntry("dashboard", dashboardConfig, async (config, { log, stopping }) => {
  // Without the bundle the page renders but never goes live: say so rather than serve it dead.
  const bundle = new URL("islands.js", STATIC_DIR);
  if (!await Deno.stat(bundle).then(() => true, () => false)) {
    log.error("static/islands.js is missing: the page will not go live; run deno task build", {
      path: decodeURIComponent(bundle.pathname),
    });
  }
  const sql = connectDatabase(config.databaseUrl, { max: 4 });
  await using _database = stoppable(() => sql.end({ timeout: 5 }));
  const live = await startLiveHub(sql, log);
  const app = createApp(manifest, {
    sql,
    symbols: config.symbols,
    log,
    live: live.hub,
    feedSimulated: config.feedSimulated,
    adminToken: config.dashboardAdminToken,
    readToken: config.dashboardReadToken,
    limits: new ClientLimits({
      requestsPerSecond: config.dashboardRequestsPerSecond,
      streamsPerClient: config.dashboardStreamsPerClient,
    }),
    trustForwardedFor: config.dashboardTrustForwardedFor,
    timing: new RequestTiming(),
  }, {
    staticDir: STATIC_DIR,
  });
  await using server = Deno.serve({
    port: config.port,
    onListen: ({ port }) =>
      log.info("listening", {
        url: `http://localhost:${port}`,
        database: redactUrl(config.databaseUrl),
      }),
  }, app.fetch);
  // Stopped before the server: it ends the live streams, which the server's shutdown awaits.
  await using _live = live;
  await untilAborted(stopping, server.finished);
});
