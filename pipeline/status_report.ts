/**
 * A component reporting its own state to `pipeline_status` every interval, for the monitor's
 * rules and the dashboard's health panel. A failed report (PostgreSQL away) is logged and the
 * next one tried; it never stops the component.
 */
import type { Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { reportStatus } from "./status_store.ts";
import { instanceName } from "../runtime/instance.ts";

/** Reports `read()` as `component` now and every `intervalMs`; returns a function that stops. */
export function startStatusReport(
  database: { readonly sql: Sql },
  component: "consumer",
  read: () => Record<string, unknown>,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  const instance = instanceName();
  let reporting: Promise<void> | undefined;
  const report = () => {
    reporting ??= reportStatus(database.sql, component, instance, Date.now(), read())
      .catch((error) => log.debug("status not reported", { error }))
      .finally(() => reporting = undefined);
  };
  report();
  const timer = setInterval(report, intervalMs);
  return async () => {
    clearInterval(timer);
    await reporting;
  };
}
