/**
 * The side-by-side benchmark (`deno task bench`, `--quick` for a shorter run): pure domain
 * throughput, storage paths on fresh databases, the real pipeline end to end, and the dashboard
 * on an empty database beside one with history (filled, or `--history-database`), then the page
 * in Chromium (`browser_bench.ts`). With `--soak SECONDS` it runs only the soak instead (see
 * `soak.ts`), with `--browser` only the page, with `--dashboard` only the dashboard. Lines for people first; the
 * last line on stdout is one JSON object with every result.
 */
import { parseArgs } from "node:util";
import { Cleanup } from "./cleanup.ts";
import { benchDomain } from "./domain_bench.ts";
import { benchStorage } from "./storage_bench.ts";
import { benchEndToEnd } from "./end_to_end_bench.ts";
import { benchDashboard, type DashboardOptions } from "./dashboard_bench.ts";
import { envReader } from "../runtime/env_reader.ts";
import { connectDatabase } from "../runtime/database.ts";
import { serverUrl } from "./scratch_database.ts";
import { grouped } from "./measure.ts";
import { FLAT_GROWTH, runSoak, type SoakOptions } from "./soak.ts";
import { benchBrowser } from "./browser_bench.ts";
import { headlineFigures } from "./headline.ts";

/** Concurrent `/api/stream` clients of the fan-out measurements. */
const STREAM_CLIENTS = 1_000;
const MANY_STREAM_CLIENTS = 5_000;

const USAGE = "usage: deno task bench [--quick] [--history-trades N] [--history-days D] " +
  "[--history-database URL]\n       deno task bench --soak SECONDS [--soak-rate TRADES_PER_SECOND] " +
  "[--soak-clients N]\n       deno task bench --browser [--quick]\n" +
  "       deno task bench --dashboard [--quick] [--history-trades N] [--history-days D] " +
  "[--history-database URL]";

async function postgresVersion(): Promise<string> {
  const sql = connectDatabase(serverUrl(), { max: 1 });
  try {
    const [{ server_version }] = await sql<{ server_version: string }[]>`show server_version`;
    return server_version;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function main(): Promise<number> {
  let quick: boolean;
  let history: { trades: number; days: number; url?: string };
  let soak: Omit<SoakOptions, "workDir" | "cleanup"> | undefined;
  let browserOnly: boolean;
  let dashboardOnly: boolean;
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: {
        quick: { type: "boolean" },
        "history-trades": { type: "string" },
        "history-days": { type: "string" },
        "history-database": { type: "string" },
        soak: { type: "string" },
        "soak-rate": { type: "string" },
        "soak-clients": { type: "string" },
        browser: { type: "boolean" },
        dashboard: { type: "boolean" },
      },
    });
    const flags = envReader(values as Record<string, string | undefined>, (name) => `--${name}`);
    if (values.soak !== undefined) {
      soak = {
        seconds: flags.int("soak", { default: 0, min: 30, max: 7 * 86_400 }),
        ratePerSecond: flags.int("soak-rate", { default: 1_000, min: 3, max: 100_000 }),
        streamClients: flags.int("soak-clients", { default: 100, min: 0, max: 1_000 }),
      };
    }
    quick = values.quick ?? false;
    browserOnly = values.browser ?? false;
    dashboardOnly = values.dashboard ?? false;
    history = {
      trades: flags.int("history-trades", {
        default: quick ? 200_000 : 2_000_000,
        min: 1,
        max: 10_000_000_000,
      }),
      days: flags.int("history-days", { default: quick ? 2 : 7, min: 1, max: 3_650 }),
      url: values["history-database"],
    };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  const cleanup = new Cleanup();
  const interrupted = () => {
    console.error("interrupted: cleaning up");
    cleanup.runAll().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", interrupted);
  Deno.addSignalListener("SIGTERM", interrupted);
  const workDir = await Deno.makeTempDir({ prefix: "pipeline-bench-" });
  const started = performance.now();
  const machine = {
    cores: navigator.hardwareConcurrency,
    loadAverage1mAtStart: Math.round(Deno.loadavg()[0] * 100) / 100,
    deno: Deno.version.deno,
    postgres: await postgresVersion(),
  };
  console.log(
    `pipeline benchmark${quick ? " (quick)" : ""}: ${machine.cores} cores, load average ` +
      `${machine.loadAverage1mAtStart} at start, Deno ${machine.deno}, PostgreSQL ${machine.postgres}`,
  );
  try {
    if (soak) return await soakOnly(soak, workDir, cleanup, machine, started);
    if (browserOnly) {
      console.log("\nthe page in Chromium");
      const browser = await benchBrowser({ quick, workDir, cleanup });
      await Deno.remove(workDir, { recursive: true });
      console.log(JSON.stringify({ benchmark: "browser", quick, machine, browser }));
      return 0;
    }
    const dashboardOptions: DashboardOptions = {
      historyTrades: history.trades,
      historyDays: history.days,
      historyUrl: history.url,
      requests: 10,
      liveSeconds: quick ? 5 : 20,
      streamClients: STREAM_CLIENTS,
      manyStreamClients: MANY_STREAM_CLIENTS,
      workDir,
      cleanup,
    };
    if (dashboardOnly) {
      console.log("\nthe dashboard: every read path and commit → SSE, empty beside a history");
      const dashboard = await benchDashboard(dashboardOptions);
      await Deno.remove(workDir, { recursive: true });
      console.log(JSON.stringify({ benchmark: "dashboard", quick, machine, dashboard }));
      return 0;
    }
    console.log("\n1. pure domain, no I/O (median of timed rounds after warm-up)");
    const domain = benchDomain(quick);

    console.log("\n2. storage, each on a fresh database");
    const storage = await benchStorage({
      batchedTrades: quick ? 40_000 : 200_000,
      perTradeTrades: quick ? 500 : 2_000,
      workDir,
      cleanup,
    });

    console.log("\n3. end to end: simulator → producer.ts → Kafka → consumer.ts → PostgreSQL");
    const endToEnd = await benchEndToEnd({ quick, workDir, cleanup });

    console.log("\n4. dashboard: every read path and commit → SSE, empty beside a history");
    const dashboard = await benchDashboard(dashboardOptions);

    console.log("\n5. the page in Chromium: bundle, gestures over 5,000 candles, live updates");
    const browser = await benchBrowser({ quick, workDir, cleanup });

    // Kept on failure for the children's logs.
    await Deno.remove(workDir, { recursive: true });
    const durationMs = Math.round(performance.now() - started);
    const loadAverage1mAtEnd = Math.round(Deno.loadavg()[0] * 100) / 100;
    console.log(
      `\nbenchmark took ${(durationMs / 1000).toFixed(1)} s; load average ${loadAverage1mAtEnd} ` +
        "at the end (other work on the machine skews every number)",
    );
    const headline = headlineFigures(storage, endToEnd, dashboard);
    console.log(`headline: ${JSON.stringify(headline)}`);
    console.log(JSON.stringify({
      ...headline,
      benchmark: "pipeline",
      quick,
      startedAt: new Date(Date.now() - durationMs).toISOString(),
      durationMs,
      machine: { ...machine, loadAverage1mAtEnd },
      domain,
      storage,
      endToEnd,
      dashboard,
      browser,
    }));
    return 0;
  } catch (error) {
    console.error(`benchmark failed: ${error instanceof Error ? error.stack : error}`);
    console.error(`children's logs and broker data are kept in ${workDir}`);
    return 1;
  } finally {
    await cleanup.runAll();
    Deno.removeSignalListener("SIGINT", interrupted);
    Deno.removeSignalListener("SIGTERM", interrupted);
  }
}

/** Runs the soak alone; its figures are the JSON line. */
async function soakOnly(
  options: Omit<SoakOptions, "workDir" | "cleanup">,
  workDir: string,
  cleanup: Cleanup,
  machine: Record<string, unknown>,
  started: number,
): Promise<number> {
  console.log("\nsoak: the whole pipeline at a live rate, memory watched");
  const soak = await runSoak({ ...options, workDir, cleanup });
  await Deno.remove(workDir, { recursive: true });
  console.log(
    `   ${grouped(soak.stored)} of ${grouped(soak.generated)} trades stored ` +
      `(${grouped(soak.dropped)} dropped by the producer), in ${grouped(soak.batches)} batches`,
  );
  console.log(
    `   resident MiB: medians of ${soak.windowSeconds} s from ${soak.warmUpSeconds} s and at ` +
      "the end, and the peak; live heap MiB after a full collection",
  );
  for (const [name, m] of Object.entries(soak.memory)) {
    const growth = `${m.rssGrowth >= 0 ? "+" : ""}${(m.rssGrowth * 100).toFixed(1)} %`;
    console.log(
      `   ${name.padEnd(9)} resident ${m.rssWarmMiB} → ${m.rssEndMiB} (${growth}), peak ` +
        `${m.rssPeakMiB}; live heap ${m.liveHeapWarmMiB} → ${m.liveHeapEndMiB}`,
    );
  }
  console.log(
    `   consumer flat (resident growth at most ${FLAT_GROWTH * 100} %): ` +
      (soak.consumerFlat ? "yes" : "no"),
  );
  const durationMs = Math.round(performance.now() - started);
  console.log(JSON.stringify({
    benchmark: "soak",
    startedAt: new Date(Date.now() - durationMs).toISOString(),
    durationMs,
    machine: { ...machine, loadAverage1mAtEnd: Math.round(Deno.loadavg()[0] * 100) / 100 },
    ...soak,
  }));
  return 0;
}

if (import.meta.main) Deno.exit(await main());
