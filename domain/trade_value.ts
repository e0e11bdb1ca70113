/** What a trade is worth and whether it is a whale, computed exactly from decimal strings. */
import { divideRounded, formatUnits, toUnits } from "./decimal.ts";

/** Price and quantity have at most 8 decimals, so their product has at most 16. */
const PRODUCT_SCALE = 16;

/** The value of a trade and its whale flag. */
export interface TradeValue {
  /** price × quantity rounded half away from zero to the cent, as `numeric(20, 2)` stores it. */
  value: string;
  /** Whether the exact, unrounded price × quantity is at least the threshold. */
  isWhale: boolean;
}

/**
 * Values a trade: `price` and `quantity` are positive decimal strings with at most 8 decimals,
 * `threshold` is in the quote currency. Throws RangeError on a string that is not such a number.
 */
export function valueTrade(price: string, quantity: string, threshold: string): TradeValue {
  const product = units(price, "price") * units(quantity, "quantity");
  const limit = toUnits(threshold, PRODUCT_SCALE);
  if (limit === undefined) throw new RangeError(`threshold "${threshold}" is not a decimal`);
  return {
    value: formatUnits(divideRounded(product, 10n ** BigInt(PRODUCT_SCALE - 2)), 2),
    isWhale: product >= limit,
  };
}

function units(text: string, name: string): bigint {
  const value = toUnits(text, 8);
  if (value === undefined) throw new RangeError(`${name} "${text}" is not an 8-decimal number`);
  return value;
}
