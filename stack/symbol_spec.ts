/** Price tick, lot step and typical price of the symbols the simulator trades. */
import { toAmountUnits } from "../domain/decimal.ts";
import { hashString } from "./seeded_random.ts";

/** A symbol's trading rules, in units of 10^-8 like every amount in the pipeline. */
export interface SymbolSpec {
  /** Smallest price increment. */
  tickUnits: bigint;
  /** Smallest quantity increment. */
  stepUnits: bigint;
  /** Price the random walk starts at and drifts back to, a multiple of the tick. */
  basePriceUnits: bigint;
}

// Close to Binance's filters for these pairs.
const KNOWN: Record<string, [tick: string, step: string, price: string]> = {
  BTCUSDT: ["0.01", "0.00001", "67000"],
  ETHUSDT: ["0.01", "0.0001", "3500"],
  SOLUSDT: ["0.01", "0.001", "150"],
  BNBUSDT: ["0.01", "0.001", "600"],
  DOGEUSDT: ["0.00001", "1", "0.15"],
  XRPUSDT: ["0.0001", "1", "0.6"],
};

const UNKNOWN_TICK_UNITS = 10_000n;
const UNKNOWN_STEP_UNITS = 1_000_000n;

/**
 * The rules of `symbol` (upper case). A symbol not in the table gets tick 0.0001, step 0.01
 * and a price from 1 to 1000 derived from its name, the same on every run.
 */
export function symbolSpec(symbol: string): SymbolSpec {
  const known = KNOWN[symbol];
  if (known) {
    const [tickUnits, stepUnits, basePriceUnits] = known.map((text) => toAmountUnits(text)!);
    return { tickUnits, stepUnits, basePriceUnits };
  }
  const ticks = 10_000n + BigInt(hashString(symbol)) % 9_990_000n;
  return {
    tickUnits: UNKNOWN_TICK_UNITS,
    stepUnits: UNKNOWN_STEP_UNITS,
    basePriceUnits: ticks * UNKNOWN_TICK_UNITS,
  };
}
