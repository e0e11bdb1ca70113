/**
 * Exact decimal arithmetic on non-negative numbers held as bigint units of 10^-scale.
 * Prices and quantities never pass through a JavaScript float: `"0.1"` at scale 8 is `10000000n`.
 */

const DECIMAL = /^(\d{1,40})(?:\.(\d{1,40}))?$/;

/**
 * Decimals of every amount the pipeline keeps: prices, quantities and moving averages are
 * `numeric(20, 8)`, as Binance quotes them.
 */
export const AMOUNT_SCALE = 8;

/**
 * Parses a non-negative decimal string into units of 10^-scale.
 * Returns undefined when the text is not a plain decimal (no sign, exponent or spaces) or has
 * significant digits beyond `scale` decimals, since rounding would lose exactness.
 */
export function toUnits(text: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) return undefined;
  return BigInt(match[1] + fraction.padEnd(scale, "0"));
}

/** Formats units of 10^-scale as a decimal string with exactly `scale` decimals. */
export function formatUnits(units: bigint, scale: number): string {
  if (units < 0n) return "-" + formatUnits(-units, scale);
  const digits = units.toString().padStart(scale + 1, "0");
  if (scale === 0) return digits;
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * Divides non-negative `numerator` by positive `denominator`, rounding half away from zero,
 * as PostgreSQL rounds `numeric`.
 */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return (numerator % denominator) * 2n >= denominator ? quotient + 1n : quotient;
}

/** An amount as units of 10^-{@link AMOUNT_SCALE}; undefined as for {@link toUnits}. */
export function toAmountUnits(text: string): bigint | undefined {
  return toUnits(text, AMOUNT_SCALE);
}

/** Whether `text` is a plain decimal greater than zero with at most 8 decimals. */
export function isPositiveDecimal(text: string): boolean {
  const units = toAmountUnits(text);
  return units !== undefined && units > 0n;
}
