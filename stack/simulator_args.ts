/** The command line of `deno task sim`, turned into {@link SimulatorOptions}. */
import { parseArgs } from "node:util";
import { createLogger, type Logger } from "../runtime/log.ts";
import { commonConfig } from "../runtime/config.ts";
import { envReader } from "../runtime/env_reader.ts";
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
  const flags = envReader(text, (name) => `--${name}`);
  const { symbols, logLevel } = commonConfig(env);
  const options: SimulatorOptions = {
    hostname: text.hostname,
    replay: text.replay,
    symbols: text.symbols === undefined ? symbols : flags.symbols("symbols", ""),
  };
  for (const flag of numberFlags) {
    const value = flags.number(flag, { default: undefined });
    if (value !== undefined) options[NUMBER_FLAGS[flag]] = value;
  }
  return { ...options, logger: createLogger("simulator", logLevel) };
}
