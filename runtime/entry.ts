/** What every entry point does first and last: configuration, logging, fatal errors, signals. */
import type { Env } from "./config.ts";
import { ConfigError } from "./env_reader.ts";
import { createLogger, type Logger, type LogLevel } from "./log.ts";
import { UnrecoverableError } from "./unrecoverable.ts";

/** What an entry point's `main` gets besides its settings. */
export interface EntryRun {
  log: Logger;
  /**
   * Aborted on SIGINT or SIGTERM (or when the parent is gone, see {@link STOP_WITH_PARENT}):
   * `main` then returns, and the parts it holds with `await using` stop in reverse order.
   * Waits that cannot end otherwise (a database or broker not there yet) end on it.
   */
  stopping: AbortSignal;
}

/**
 * Loads the process's settings with `load` and runs `main` with them until it returns; a
 * shutdown signal aborts {@link EntryRun.stopping} and exits once `main` has returned. A bad
 * variable prints one line naming it and exits with status 1 before anything connects; an
 * error escaping `main` is logged as one line (for an `UnrecoverableError`, saying whether
 * credentials, permissions or the configuration were refused) and exits with status 1.
 */
export async function runEntry<C extends { logLevel: LogLevel }>(
  component: string,
  load: (env: Env) => C,
  main: (config: C, run: EntryRun) => Promise<void>,
): Promise<void> {
  let config: C;
  try {
    config = load(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${component}: configuration error: ${error.message}`);
    Deno.exit(1);
  }
  const log = createLogger(component, config.logLevel);
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  // Registered first: a signal while PostgreSQL or Kafka is still awaited ends the wait.
  const stopListening = onShutdown(log, async () => {
    stopping.abort();
    await running;
  });
  try {
    await (running = main(config, { log, stopping: stopping.signal }));
    if (!stopping.signal.aborted) stopListening();
  } catch (error) {
    const cause = error instanceof UnrecoverableError
      ? { kind: error.kind, service: error.service, retry: "no retry can mend this" }
      : {};
    log.error("fatal", { error, ...cause });
    Deno.exit(1);
  }
}

/**
 * Set by the stack, to its own pid, for the children it starts in sessions of their own: such
 * a child stops, as on SIGTERM, once that process is no longer its parent (it died, however,
 * and the child was adopted), even when that happened before the child got this far.
 */
export const STOP_WITH_PARENT = "PIPELINE_STOP_WITH_PARENT";

/**
 * Runs `stop` once on the first SIGINT or SIGTERM (or when the parent is gone, under
 * {@link STOP_WITH_PARENT}), then exits. While it runs, Ctrl-C pressed again (a SIGINT more
 * than a second later) exits at once; any other signal is ignored, so a parent's TERM, or the
 * copy of Ctrl-C that `deno task` forwards, cannot cut a flush short. Returns a function that
 * stops listening, for a `main` that ended by itself.
 */
function onShutdown(log: Logger, stop: () => Promise<void>): () => void {
  let stoppingSince = 0;
  const handler = async (signal: Deno.Signal | "parent gone") => {
    if (stoppingSince > 0) {
      // `deno task` forwards the terminal's Ctrl-C, so one keypress can arrive twice at once.
      if (signal === "SIGINT" && Date.now() - stoppingSince > 1_000) Deno.exit(130);
      return;
    }
    stoppingSince = Date.now();
    log.info(
      "shutting down",
      signal === "parent gone" ? { reason: "the parent process is gone" } : {},
    );
    try {
      await stop();
      Deno.exit(0);
    } catch (error) {
      log.error("shutdown failed", { error });
      Deno.exit(1);
    }
  };
  const onInterrupt = () => handler("SIGINT");
  const onTerminate = () => handler("SIGTERM");
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onTerminate);
  const parent = Number(Deno.env.get(STOP_WITH_PARENT));
  const check = () => parent > 0 && Deno.ppid !== parent && handler("parent gone");
  const watch = setInterval(check, 1_000);
  Deno.unrefTimer(watch);
  check();
  return () => {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    Deno.removeSignalListener("SIGTERM", onTerminate);
    clearInterval(watch);
  };
}
