/** Runs the pipeline's components as child processes for `deno task start`, restarting crashes. */
import type { Logger } from "../pipeline/log.ts";
import { backoffDelay, sleep } from "../pipeline/backoff.ts";

/** A component kept running until {@link Supervised.stop}. */
export interface Supervised {
  stop(): Promise<void>;
}

const ROOT = new URL("../", import.meta.url);

/**
 * Runs `entry` (relative to the repository root) with Deno and `env` added to ours; its output
 * goes to ours. An exit we did not ask for is logged and followed by a restart with backoff.
 */
export function supervise(
  entry: string,
  env: Record<string, string>,
  log: Logger,
): Supervised {
  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  const wake = new AbortController();
  const loop = (async () => {
    for (let restarts = 0; !stopping; restarts++) {
      child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-net", "--allow-env", "--allow-read", new URL(entry, ROOT).pathname],
        env,
        stdin: "null",
      }).spawn();
      const started = Date.now();
      const status = await child.status;
      if (stopping) return;
      // A run that lasted a minute was healthy: start the backoff over.
      if (Date.now() - started > 60_000) restarts = 0;
      const delay = backoffDelay(restarts, { baseMs: 1_000, maxMs: 30_000 });
      log.error(`${entry} exited; restarting`, { code: status.code, delayMs: delay });
      await sleep(delay, wake.signal);
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake.abort();
      try {
        child?.kill("SIGTERM");
      } catch {
        // it had already exited
      }
      await loop;
    },
  };
}
