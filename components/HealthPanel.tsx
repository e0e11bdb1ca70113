/**
 * The pipeline's health: alert rules firing (and lately resolved), each component's last report,
 * and the trades lost in gaps REST could not fill. Kept current by `health` events.
 */
import type { AlertView, ComponentView, HealthView } from "../domain/dashboard_views.ts";
import { formatCount, formatDateTime } from "../ui/format.ts";

/** Props of {@link HealthPanel}. */
export interface HealthPanelProps {
  health: HealthView;
}

/** What each rule's value is measured in, for people. */
const RULES: Record<string, { title: string; unit: (value: number) => string }> = {
  kafka_lag: { title: "Kafka lag", unit: (v) => `${formatCount(v)} messages` },
  processing_time: { title: "Batch processing time", unit: (v) => `${v.toFixed(2)} s` },
  database_storage: { title: "Database storage", unit: (v) => `${(v * 100).toFixed(1)} %` },
  producer_disconnected: { title: "Producer disconnected", unit: (v) => `${Math.round(v)} s` },
  symbol_silent: { title: "No trade", unit: (v) => `${Math.round(v)} s` },
};

/** One alert line: what, for what, how far past its threshold, since when. */
function AlertLine({ alert }: { alert: AlertView }) {
  const rule = RULES[alert.rule] ?? { title: alert.rule, unit: (v: number) => String(v) };
  const state = alert.firing
    ? `firing since ${formatDateTime(alert.firedAt)}`
    : `resolved ${formatDateTime(alert.resolvedAt ?? alert.firedAt)}`;
  return (
    <li class={alert.firing ? "firing" : "resolved"} data-rule={alert.rule}>
      <b>{rule.title}</b>
      {alert.subject && ` ${alert.subject}`}: {rule.unit(alert.value)} (threshold{" "}
      {rule.unit(alert.threshold)}), {state}
    </li>
  );
}

/** A component's report in a few words. */
function describe(view: ComponentView): string {
  switch (view.component) {
    case "producer": {
      const { connected, since, tradesPerSecond } = view.state;
      return `${connected ? "connected" : "disconnected"} since ${
        formatDateTime(new Date(since).toISOString())
      }, ${formatCount(tradesPerSecond)} trades/s`;
    }
    case "consumer": {
      const lag = Object.values(view.state.lag).reduce((sum, n) => sum + n, 0);
      return `lag ${formatCount(lag)}, slowest batch ${
        view.state.processingSecondsMax.toFixed(3)
      } s`;
    }
    case "monitor":
      return `${formatCount(view.state.evaluations)} evaluations`;
  }
}

/** The panel, open at first; folded, its heading still says how many alerts fire. */
export default function HealthPanel({ health }: HealthPanelProps) {
  const firing = health.alerts.filter((a) => a.firing).length;
  return (
    <details class="health panel" data-firing={firing} open>
      <summary>
        <h2>
          Pipeline health{" "}
          <span class={firing ? "firing" : "note"}>
            {firing ? `${firing} firing` : "all clear"}
          </span>
        </h2>
      </summary>
      {health.alerts.length === 0
        ? <p class="note">No alert has fired in the last hour.</p>
        : (
          <ul class="alerts">
            {health.alerts.map((a) => <AlertLine key={`${a.rule}:${a.subject}`} alert={a} />)}
          </ul>
        )}
      <ul class="components">
        {health.components.map((c) => (
          <li key={`${c.component}:${c.instance}`}>
            <b>{c.component}</b> {c.instance}: {describe(c)}; reported{" "}
            {formatDateTime(c.reportedAt)}
          </li>
        ))}
      </ul>
      <p class="note">
        Trades lost in gaps REST could not fill: {formatCount(health.lostTrades)}
      </p>
      {health.gaps.length > 0 && (
        <ul class="gaps">
          {health.gaps.map((gap) => (
            <li key={`${gap.symbol}:${gap.firstMissingId}`}>
              {formatDateTime(gap.foundAt)} <b>{gap.symbol}</b> ids {gap.firstMissingId}–
              {gap.lastMissingId}: {gap.reason}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
