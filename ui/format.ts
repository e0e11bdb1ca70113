/**
 * Amounts and times as people read them on the page: thousands separators, prices at the
 * symbol's precision, trade values in the quote currency, times in UTC. Exact: decimal strings
 * are rounded as decimals, never through a float. The JSON APIs keep the stored strings.
 */
import { AMOUNT_SCALE, divideRounded, formatUnits, toUnits } from "../domain/decimal.ts";

/** Fewest decimals a price is shown with, whatever the data. */
const MIN_PRICE_DECIMALS = 2;

/** Quote assets Binance lists, longest first so that "FDUSD" wins over "USD"-like tails. */
const QUOTE_ASSETS = [
  "FDUSD",
  "USDT",
  "USDC",
  "BUSD",
  "TUSD",
  "USDP",
  "DAI",
  "EUR",
  "GBP",
  "TRY",
  "BRL",
  "JPY",
  "BTC",
  "ETH",
  "BNB",
];

/** The quote asset of `symbol` ("USDT" for BTCUSDT), or "" when it is not a known one. */
export function quoteAsset(symbol: string): string {
  return QUOTE_ASSETS.find((quote) => symbol.endsWith(quote) && symbol !== quote) ?? "";
}

/** The base asset of `symbol` ("BTC" for BTCUSDT), or "" when the quote is not known. */
export function baseAsset(symbol: string): string {
  const quote = quoteAsset(symbol);
  return quote ? symbol.slice(0, -quote.length) : "";
}

/** Decimals `price` needs once trailing zeros are dropped ("67062.70000000" needs 1). */
export function decimalsOf(price: string): number {
  const fraction = price.split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

/**
 * The precision to show a symbol's prices at: the most decimals any of `prices` needs (so the
 * symbol's tick shows once a few prices are known), at least 2, at most 8.
 */
export function pricePrecision(prices: Iterable<string>): number {
  let decimals = MIN_PRICE_DECIMALS;
  for (const price of prices) decimals = Math.max(decimals, decimalsOf(price));
  return Math.min(decimals, AMOUNT_SCALE);
}

/**
 * `amount` (a non-negative decimal string) rounded half away from zero to `decimals`, with
 * thousands separators: ("67062.78000000", 2) → "67,062.78". Text that is not a decimal is
 * returned unchanged.
 */
export function formatDecimal(amount: string, decimals: number): string {
  const scale = Math.max(decimalsOf(amount), decimals);
  const units = toUnits(amount, scale);
  if (units === undefined) return amount;
  const rounded = divideRounded(units, 10n ** BigInt(scale - decimals));
  const [whole, fraction] = formatUnits(rounded, decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A quantity as exact as stored, without trailing zeros: "0.0015", "1,234.5". */
export function formatQuantity(quantity: string): string {
  return formatDecimal(quantity, decimalsOf(quantity));
}

/** A value in the quote currency of `symbol`, to the cent: "1,760,981.75 USDT". */
export function formatQuoteValue(value: string, symbol: string): string {
  const quote = quoteAsset(symbol);
  return quote ? `${formatDecimal(value, 2)} ${quote}` : formatDecimal(value, 2);
}

/** A whole number with thousands separators: "98,230". */
export function formatCount(count: string | number): string {
  return formatDecimal(String(count), 0);
}

/** The time of day of an ISO time, in UTC, as every chart and list shows it: "14:03:27". */
export function formatTime(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

/** Date and time of an ISO time, in UTC: "2026-12-01 14:03:27 UTC". */
export function formatDateTime(iso: string): string {
  const text = new Date(iso).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)} UTC`;
}

/** A size on disk in binary units with three significant digits: "4.81 GiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toPrecision(3)} ${units[unit]}`;
}
