/** The command line of `deno task sim`, turned into {@link SimulatorOptions}. */
import { parseArgs } from "node:util";
import { createLogger, LOG_LEVELS, type Logger } from "../runtime/log.ts";
import { finiteNumber, oneOf, symbolList } from "../runtime/config.ts";
import type { SimulatorOptions } from "./simulator_options.ts";

/** Flags that take a number, with the option each sets. */
const NUMBER_FLAGS = {
  port: "port",
  rate: "rate",
  "tick-ms": "tickMs",
  seed: "seed",
  "first-trade-id": "firstTradeId",
  "whale-probability": "whaleProbability",
  "duplicate-probability": "duplicateProbability",
  "malformed-probability": "malformedProbability",
  "drop-after": "dropAfter",
} as const;

/**
 * Parses flags such as `--port 9443 --symbols BTCUSDT,ETHUSDT --rate 50 --seed 7`; symbols
 * default to `SYMBOLS`, the log level to `LOG_LEVEL`, both checked as the pipeline's
 * configuration checks them. Throws an error naming the flag or variable on a bad or unknown
 * one; ranges are checked by `startSimulator`.
 */
export function parseSimulatorArgs(
  args: string[],
  env: Record<string, string | undefined>,
): SimulatorOptions & { logger: Logger } {
  const numberFlags = Object.keys(NUMBER_FLAGS) as (keyof typeof NUMBER_FLAGS)[];
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      hostname: { type: "string" },
      symbols: { type: "string" },
      replay: { type: "string" },
      ...Object.fromEntries(numberFlags.map((flag) => [flag, { type: "string" as const }])),
    },
  });
  const text = values as Record<string, string | undefined>;
  const options: SimulatorOptions = {
    hostname: text.hostname,
    replay: text.replay,
    symbols: text.symbols === undefined
      ? symbolList("SYMBOLS", env.SYMBOLS?.trim() || "BTCUSDT,ETHUSDT")
      : symbolList("--symbols", text.symbols),
  };
  for (const flag of numberFlags) {
    const raw = text[flag];
    if (raw !== undefined) options[NUMBER_FLAGS[flag]] = finiteNumber(`--${flag}`, raw);
  }
  const level = oneOf("LOG_LEVEL", env.LOG_LEVEL?.trim().toLowerCase() || "info", LOG_LEVELS);
  return { ...options, logger: createLogger("simulator", level) };
}
