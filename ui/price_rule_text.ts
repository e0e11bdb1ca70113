/**
 * Price rules and their alerts in words, as the page shows them: "BTCUSDT crosses 70,000.00",
 * "ETHUSDT falls 2 % within 5 min, once", "BTCUSDT rose through 70,000.00: high 70,010.50,
 * close 70,003.10". Amounts keep their exact decimals.
 */
import type { PriceAlertView, PriceRuleView } from "../domain/dashboard_views.ts";
import { decimalsOf, formatDecimal } from "./format.ts";

/** The windows of `moves` rules and the intervals between alerts the page offers (API form). */
export const MOVE_WINDOWS = ["1m", "5m", "15m", "1h", "4h", "24h"] as const;

/** A window in words: "5 min", "1 h", "90 min". */
export function formatWindow(seconds: number): string {
  return seconds % 3_600 === 0 ? `${seconds / 3_600} h` : `${seconds / 60} min`;
}

/** A percentage without trailing zeros: "2.0000" → "2 %". */
function formatPercent(percent: string): string {
  return `${formatDecimal(percent, decimalsOf(percent))} %`;
}

/**
 * What `rule` watches for, prices at `priceDecimals`, and how often it fires when that is not
 * every time: "BTCUSDT crosses 70,000.00, at most once per 15 min".
 */
export function describeRule(
  rule: Pick<
    PriceRuleView,
    | "symbol"
    | "kind"
    | "direction"
    | "level"
    | "percent"
    | "windowSeconds"
    | "frequency"
    | "frequencySeconds"
  >,
  priceDecimals: number,
): string {
  const often = rule.frequency === "once"
    ? ", once"
    : rule.frequency === "interval"
    ? `, at most once per ${formatWindow(rule.frequencySeconds!)}`
    : "";
  if (rule.kind === "crosses") {
    const verb = { any: "crosses", up: "rises through", down: "falls through" }[rule.direction];
    return `${rule.symbol} ${verb} ${formatDecimal(rule.level!, priceDecimals)}${often}`;
  }
  const verb = { any: "moves", up: "rises", down: "falls" }[rule.direction];
  return `${rule.symbol} ${verb} ${formatPercent(rule.percent!)} within ${
    formatWindow(rule.windowSeconds!)
  }${often}`;
}

/** What happened when `alert` fired, prices at `priceDecimals`. */
export function describeAlert(alert: PriceAlertView, priceDecimals: number): string {
  const price = (amount: string) => formatDecimal(amount, priceDecimals);
  const up = alert.direction === "up";
  if (alert.kind === "crosses") {
    return `${alert.symbol} ${up ? "rose" : "fell"} through ${price(alert.reference)}: ` +
      `${up ? "high" : "low"} ${price(alert.price)}, close ${price(alert.close)}`;
  }
  return `${alert.symbol} ${up ? "rose" : "fell"} ${alert.changePercent} % within ${
    formatWindow(alert.windowSeconds!)
  }: from ${price(alert.reference)} to ${price(alert.price)}`;
}
