/** What every entry point does first and last: configuration, logging, fatal errors, signals. */
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";

/**
 * Loads the configuration and runs `main` with it. A bad variable prints one line naming it
 * and exits with status 1 before anything connects; an error escaping `main` is logged as
 * one line and exits with status 1.
 */
export async function runEntry(
  component: string,
  main: (config: Config, log: Logger) => Promise<void>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${component}: configuration error: ${error.message}`);
    Deno.exit(1);
  }
  const log = createLogger(component, config.logLevel);
  try {
    await main(config, log);
  } catch (error) {
    log.error("fatal", { error });
    Deno.exit(1);
  }
}

/**
 * Runs `stop` once on the first SIGINT or SIGTERM, then exits. While it runs, a second SIGINT
 * (Ctrl-C pressed again) exits at once; a further SIGTERM is ignored, so a parent's TERM that
 * follows the terminal's INT cannot cut a flush short.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = async (signal: Deno.Signal) => {
    if (stopping) {
      if (signal === "SIGINT") Deno.exit(130);
      return;
    }
    stopping = true;
    log.info("shutting down");
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
}
