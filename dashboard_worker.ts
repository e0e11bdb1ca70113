/**
 * One of the dashboard's workers (`DASHBOARD_WORKERS` above 1; see `dashboard.ts` and
 * `web/worker_pool.ts`): it serves the page, the APIs and the live streams on the shared port,
 * with its own database connections, and its live hub takes the main thread's frames.
 */
import { connectDatabase } from "./runtime/database.ts";
import { dashboardConfig } from "./runtime/config.ts";
import { createLogger } from "./runtime/log.ts";
import { createApp } from "./fresh/compat.ts";
import { manifest } from "./fresh/manifest.ts";
import { LiveHub } from "./web/live_hub.ts";
import { WorkerLink } from "./web/worker_link.ts";
import { dashboardState } from "./web/dashboard_state.ts";
import { registryData } from "./runtime/metrics.ts";
import type { FromWorker, ToWorker } from "./domain/dashboard_workers.ts";

const STATIC_DIR = new URL("./static/", import.meta.url);

const self = globalThis as unknown as {
  onmessage: (event: MessageEvent<ToWorker>) => void;
  postMessage(message: FromWorker): void;
};

let link: WorkerLink | undefined;
let stop = async () => {};

self.onmessage = ({ data: message }) => {
  if (message.type === "start") start(message);
  else if (message.type === "stop") stop().then(() => self.postMessage({ type: "stopped" }));
  else link?.handle(message);
};

/** Serves from here on; frames that come meanwhile already go to the hub. */
function start(message: ToWorker & { type: "start" }): void {
  // The main thread checked the settings before starting any worker.
  const config = dashboardConfig(Deno.env.toObject());
  const log = createLogger(`dashboard-${message.index}`, config.logLevel);
  const hub = new LiveHub();
  hub.restore(message.history);
  hub.listening = message.listening;
  const sql = connectDatabase(config.databaseUrl, { max: message.databaseConnections });
  const workerLink = new WorkerLink(self, hub, async () => ({
    streamClients: hub.clients,
    timing: await registryData(state.timing!.registry),
  }));
  link = workerLink;
  const state = dashboardState(config, {
    sql,
    log,
    live: hub,
    limits: workerLink,
    figures: () => workerLink.figures(),
  });
  const app = createApp(manifest, state, { staticDir: STATIC_DIR });
  const server = Deno.serve({
    port: message.port,
    reusePort: true,
    onListen: () => self.postMessage({ type: "ready" }),
  }, app.fetch);
  stop = async () => {
    hub.close();
    await server.shutdown();
    await sql.end({ timeout: 5 });
  };
}
