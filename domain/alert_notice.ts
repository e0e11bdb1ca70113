/**
 * What the monitor says when an alert rule fires or resolves: the JSON POSTed to
 * `ALERT_WEBHOOK_URL`, once per change.
 */
import type { AlertRule } from "./alert_rules.ts";

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

/** The NOTIFY channel told whenever the pipeline's health (alerts, status, gaps) changed. */
export const PIPELINE_HEALTH_CHANNEL = "pipeline_health";
