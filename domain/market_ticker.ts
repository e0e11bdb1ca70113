/**
 * A symbol's last 24 hours as the symbol strip shows them, and how a live trade price moves
 * them on the page between two readings of `/api/tickers`: one definition of the change in
 * percent, exact on the decimal strings, for the route and the page.
 */
import { divideRounded, formatUnits, toAmountUnits } from "./decimal.ts";
import type { MarketTicker } from "./dashboard_views.ts";

/**
 * `(last − open) ÷ open` in percent to 2 decimals, signed (`"+1.25"`, `"-0.40"`, `"0.00"`),
 * rounded half away from zero; undefined when either is not an amount or `open` is zero.
 */
export function changePercent(open: string, last: string): string | undefined {
  const from = toAmountUnits(open);
  const to = toAmountUnits(last);
  if (from === undefined || to === undefined || from === 0n) return undefined;
  const difference = to - from;
  const hundredths = divideRounded((difference < 0n ? -difference : difference) * 10_000n, from);
  if (hundredths === 0n) return "0.00";
  return `${difference < 0n ? "-" : "+"}${formatUnits(hundredths, 2)}`;
}

/** Whether amount `a` is below amount `b` (both decimal strings of at most 8 decimals). */
function below(a: string, b: string): boolean {
  return (toAmountUnits(a) ?? 0n) < (toAmountUnits(b) ?? 0n);
}

/**
 * `ticker` after a trade at `lastPrice`: the newest price, the high and low widened to it, the
 * change taken from it. The window's start stays where the last reading put it.
 */
export function withLastPrice(ticker: MarketTicker, lastPrice: string): MarketTicker {
  return {
    ...ticker,
    lastPrice,
    high: below(ticker.high, lastPrice) ? lastPrice : ticker.high,
    low: below(lastPrice, ticker.low) ? lastPrice : ticker.low,
    changePercent: changePercent(ticker.open, lastPrice) ?? ticker.changePercent,
  };
}
