/**
 * The NOTIFY told whenever users' price alerts change: channel {@link PRICE_ALERTS_CHANNEL},
 * sent by the consumer in the transaction whose candles fired alerts, and by the dashboard when
 * a rule is created or deleted. The dashboard's listener re-reads its panel, the monitor claims
 * the undelivered alerts; payload {@link PriceAlertUpdates} as JSON, for anyone else listening.
 */

/** The LISTEN/NOTIFY channel of price rules and alerts. */
export const PRICE_ALERTS_CHANNEL = "price_alerts";

/** One notification: the alerts just fired, or that the rules changed. */
export interface PriceAlertUpdates {
  v: 1;
  /** Ids of the alerts fired; the first 200 when more fired at once. */
  alertIds?: string[];
  /** A rule was created or deleted. */
  rulesChanged?: true;
}

/** Ids one payload lists, well inside PostgreSQL's 8000-byte limit. */
const MAX_IDS = 200;

/** The payload for alerts fired (`alertIds`) or for a change of the rules. */
export function encodePriceAlertUpdates(change: { alertIds: string[] } | "rules"): string {
  const payload: PriceAlertUpdates = change === "rules"
    ? { v: 1, rulesChanged: true }
    : { v: 1, alertIds: change.alertIds.slice(0, MAX_IDS) };
  return JSON.stringify(payload);
}
