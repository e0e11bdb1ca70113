/**
 * A component reporting its own state to `pipeline_status` every interval, for the monitor's
 * rules and the dashboard's health panel. A failed report (PostgreSQL away) is logged and the
 * next one tried; it never stops the component.
 */
import type { Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { reportStatus } from "./status_store.ts";
import { instanceName } from "../runtime/instance.ts";
import type { ComponentState } from "../domain/status_event.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

/** Reports `read()` now and every `intervalMs`, until stopped. */
export function startStatusReport(
  database: { readonly sql: Sql },
  read: () => ComponentState,
  intervalMs: number,
  log: Logger,
): Stoppable {
  const instance = instanceName();
  let reporting: Promise<void> | undefined;
  const report = () => {
    reporting ??= reportStatus(database.sql, read(), instance, Date.now())
      .catch((error) => log.debug("status not reported", { error }))
      .finally(() => reporting = undefined);
  };
  report();
  const timer = setInterval(report, intervalMs);
  return stoppable(async () => {
    clearInterval(timer);
    await reporting;
  });
}
