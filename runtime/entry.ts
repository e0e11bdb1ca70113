/** What every entry point does first and last: configuration, logging, fatal errors, signals. */
import type { Env } from "./config.ts";
import { ConfigError } from "./env_reader.ts";
import type { LogLevel } from "./log.ts";
import { createLogger, type Logger } from "./log.ts";
import { UnrecoverableError } from "./unrecoverable.ts";

/**
 * Loads the process's settings with `load` and runs `main` with them. A bad variable prints
 * one line naming it and exits with status 1 before anything connects; an error escaping
 * `main` is logged as one line (for an `UnrecoverableError`, saying whether credentials,
 * permissions or the configuration were refused) and exits with status 1.
 */
export async function runEntry<C extends { logLevel: LogLevel }>(
  component: string,
  load: (env: Env) => C,
  main: (config: C, log: Logger) => Promise<void>,
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
  try {
    await main(config, log);
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
 * copy of Ctrl-C that `deno task` forwards, cannot cut a flush short.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
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
  Deno.addSignalListener("SIGINT", () => handler("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => handler("SIGTERM"));
  const parent = Number(Deno.env.get(STOP_WITH_PARENT));
  if (parent > 0) {
    const check = () => Deno.ppid !== parent && handler("parent gone");
    check();
    Deno.unrefTimer(setInterval(check, 1_000));
  }
}
