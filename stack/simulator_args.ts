/** The command line of `deno task sim`, turned into {@link SimulatorOptions}. */
import { parseArgs } from "node:util";
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from "../runtime/log.ts";
import type { SimulatorOptions } from "./simulator_options.ts";

/** Flags that take a number, with the option each sets. */
const NUMBER_FLAGS = {
  port: "port",
  rate: "rate",
  seed: "seed",
  "first-trade-id": "firstTradeId",
  "whale-probability": "whaleProbability",
  "duplicate-probability": "duplicateProbability",
  "malformed-probability": "malformedProbability",
  "drop-after": "dropAfter",
} as const;

/**
 * Parses flags such as `--port 9443 --symbols BTCUSDT,ETHUSDT --rate 50 --seed 7`; symbols
 * default to `SYMBOLS`, the log level to `LOG_LEVEL`. Throws an error naming the flag or
 * variable on a bad or unknown one; ranges are checked by `startSimulator`.
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
    symbols: (text.symbols ?? env.SYMBOLS ?? "BTCUSDT,ETHUSDT")
      .split(",").map((symbol) => symbol.trim().toUpperCase()).filter(Boolean),
  };
  for (const flag of numberFlags) {
    const raw = text[flag];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value)) {
      throw new TypeError(`--${flag}: "${raw}" is not a number`);
    }
    options[NUMBER_FLAGS[flag]] = value;
  }
  return { ...options, logger: createLogger("simulator", logLevel(env.LOG_LEVEL)) };
}

function logLevel(raw: string | undefined): LogLevel {
  const level = raw?.trim().toLowerCase() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new TypeError(`LOG_LEVEL: "${raw}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  return level as LogLevel;
}
