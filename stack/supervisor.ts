/** Runs the pipeline's components as child processes for `deno task start`, restarting crashes. */
import type { Logger } from "../runtime/log.ts";
import { backoffDelay } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";
import { entryCommand } from "./entry_command.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

/** A component kept running until stopped: SIGTERM, then SIGKILL if it has not exited in 20 s. */
export type Supervised = Stoppable;

/** How long a stopped component may take before it is killed. */
const GRACE_MS = 20_000;

/**
 * Runs `entry` (relative to the repository root) in its own session with `env` added;
 * its output goes to ours. An exit we did not ask for is logged and followed by a restart
 * with backoff.
 */
export function supervise(entry: string, env: Record<string, string>, log: Logger): Supervised {
  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  const wake = new AbortController();
  const loop = (async () => {
    for (let restarts = 0; !stopping; restarts++) {
      child = entryCommand(entry, { env, detach: true }).spawn();
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
  const signal = (name: Deno.Signal) => {
    try {
      child?.kill(name);
    } catch {
      // it has already exited
    }
  };
  return stoppable(async () => {
    stopping = true;
    wake.abort();
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), GRACE_MS);
    await loop;
    clearTimeout(timer);
  });
}
