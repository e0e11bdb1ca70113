/**
 * What the monitor POSTs to `ALERT_WEBHOOK_URL`: a pipeline alert rule that fires or resolves
 * (once per change), or a user's price alert that fired (once per alert, retried until it is
 * accepted).
 */
import type { AlertRule } from "./alert_rules.ts";
import type { PriceAlertView } from "./dashboard_views.ts";

/** One change of a rule's state for one subject. */
export interface AlertNotice {
  v: 1;
  rule: AlertRule;
  /** A symbol, or "" for the pipeline as a whole. */
  subject: string;
  state: "firing" | "resolved";
  value: number;
  threshold: number;
  /** ISO time it started firing. */
  firedAt: string;
  /** ISO time it resolved, when it has. */
  resolvedAt?: string;
}

/**
 * A price alert, with every field of the API's view: `rule` tells the kind of price rule,
 * `subject` is the symbol, `id` the alert's (the same on a redelivery, so a receiver can drop
 * repeats).
 */
export interface PriceAlertNotice extends PriceAlertView {
  v: 1;
  rule: "price_crosses" | "price_moves";
  subject: string;
  state: "fired";
}

/** Anything the webhook receives. */
export type WebhookNotice = AlertNotice | PriceAlertNotice;

/** The notice of `alert`. */
export function priceAlertNotice(alert: PriceAlertView): PriceAlertNotice {
  return {
    v: 1,
    rule: alert.kind === "crosses" ? "price_crosses" : "price_moves",
    subject: alert.symbol,
    state: "fired",
    ...alert,
  };
}

/** The NOTIFY channel told whenever the pipeline's health (alerts, status, gaps) changed. */
export const PIPELINE_HEALTH_CHANNEL = "pipeline_health";
