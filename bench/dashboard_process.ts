/** A dashboard started by the benchmark as a child process, answering before it is returned. */
import { freePort } from "../stack/free_port.ts";
import { BENCH_SYMBOLS } from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { type PipelineProcess, startPipelineProcess } from "./pipeline_process.ts";
import { waitUntil } from "./wait_until.ts";

/** A running dashboard and its address. */
export interface BenchDashboard {
  base: string;
  dashboard: PipelineProcess;
}

/**
 * Starts `dashboard.ts` on `databaseUrl`, at a free port, with the bench's symbols, no
 * per-client limits to speak of, and `env` added; resolves once `/healthz` answers 200. Its log
 * goes to `workDir`.
 */
export async function startBenchDashboard(
  name: string,
  databaseUrl: string,
  options: { env?: Record<string, string>; workDir: string; cleanup: Cleanup },
): Promise<BenchDashboard> {
  const port = freePort();
  const dashboard = await startPipelineProcess(
    "dashboard.ts",
    `${name}-${port}`,
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      SYMBOLS: BENCH_SYMBOLS.join(","),
      LOG_LEVEL: "warn",
      // Every client of the bench is one address: the per-client limits would measure themselves.
      DASHBOARD_REQUESTS_PER_SECOND: "100000",
      DASHBOARD_STREAMS_PER_CLIENT: "10000",
      ...options.env,
    },
    options.workDir,
    options.cleanup,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitUntil("the dashboard to answer", async () => {
    const response = await fetch(`${base}/healthz`).catch(() => undefined);
    await response?.body?.cancel();
    return response?.ok ?? false;
  }, { timeoutMs: 30_000, watched: [dashboard] });
  return { base, dashboard };
}
