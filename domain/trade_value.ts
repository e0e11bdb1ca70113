/** What a trade is worth and whether it is a whale, computed exactly from decimal strings. */
import { AMOUNT_SCALE, divideRounded, formatUnits, toAmountUnits, toUnits } from "./decimal.ts";

/** Price and quantity have at most 8 decimals, so their product has at most 16. */
const PRODUCT_SCALE = 2 * AMOUNT_SCALE;
/** `trade_value` is `numeric(20, 2)`: to the cent. */
const VALUE_SCALE = 2;

/** The value of a trade and its whale flag. */
export interface TradeValue {
  /** price × quantity rounded half away from zero to the cent, as `numeric(20, 2)` stores it. */
  value: string;
  /** Whether the exact, unrounded price × quantity is at least the threshold. */
  isWhale: boolean;
}

/**
 * price × quantity in cents, rounded half away from zero. `price` and `quantity` are decimal
 * strings with at most 8 decimals; throws RangeError on one that is not.
 */
export function valueInCents(price: string, quantity: string): bigint {
  return toCents(product(price, quantity));
}

/**
 * Values a trade: `price` and `quantity` are positive decimal strings with at most 8 decimals,
 * `threshold` is in the quote currency. Throws RangeError on a string that is not such a number.
 */
export function valueTrade(price: string, quantity: string, threshold: string): TradeValue {
  const exact = product(price, quantity);
  const limit = toUnits(threshold, PRODUCT_SCALE);
  if (limit === undefined) throw new RangeError(`threshold "${threshold}" is not a decimal`);
  return { value: formatUnits(toCents(exact), VALUE_SCALE), isWhale: exact >= limit };
}

/** price × quantity exactly, in units of 10^-16. */
function product(price: string, quantity: string): bigint {
  return units(price, "price") * units(quantity, "quantity");
}

function toCents(productUnits: bigint): bigint {
  return divideRounded(productUnits, 10n ** BigInt(PRODUCT_SCALE - VALUE_SCALE));
}

function units(text: string, name: string): bigint {
  const value = toAmountUnits(text);
  if (value === undefined) throw new RangeError(`${name} "${text}" is not an 8-decimal number`);
  return value;
}
