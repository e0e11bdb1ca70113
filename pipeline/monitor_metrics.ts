/**
 * The monitor's Prometheus metrics: each alert rule's state per subject, its evaluations, and
 * what became of the notices it posted to the webhook.
 */
import { metricsOn, type Registry } from "../runtime/metrics.ts";
import type { Evaluation } from "../domain/alert_rules.ts";
import type { AlertWebhook } from "./alert_webhook.ts";

/** The parts whose figures the metrics read. */
export interface MonitorParts {
  /** The newest evaluation of each rule and subject. */
  firing: ReadonlyMap<string, Evaluation>;
  evaluations: () => number;
  /** Undefined when `ALERT_WEBHOOK_URL` is unset. */
  webhook?: AlertWebhook;
}

/** Registers every monitor metric on `registry`. */
export function registerMonitorMetrics(registry: Registry, parts: MonitorParts): void {
  const { firing, evaluations, webhook } = parts;
  const { counter, gauge } = metricsOn(registry, "monitor_");
  gauge(
    "alert_firing",
    '1 while the rule fires for the subject ("" for the whole pipeline).',
    () => [...firing.values()].map((e) => [{ rule: e.rule, subject: e.subject }, +e.firing]),
    ["rule", "subject"],
  );
  counter("evaluations_total", "Evaluations of the alert rules.", evaluations);
  counter(
    "webhook_delivered_total",
    "Notices, the rules' and price alerts, the webhook accepted.",
    () => webhook?.delivered ?? 0,
  );
  counter(
    "webhook_failures_total",
    "Failed webhook POSTs, retries included.",
    () => webhook?.failures ?? 0,
  );
  counter(
    "webhook_dropped_total",
    "Notices given up: every retry failed, or the webhook refused them (4xx).",
    () => webhook?.dropped ?? 0,
  );
}
