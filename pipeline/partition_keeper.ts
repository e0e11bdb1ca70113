/**
 * The consumer's housekeeping of `trades` partitions: days are created ahead of the trades that
 * will fill them, and whole days past `TRADES_RETENTION_DAYS` are detached concurrently (readers
 * and the consumer's writes never wait for it) and dropped, with the price alerts of those days;
 * candles past `CANDLES_RETENTION_DAYS` are deleted. Aggregates are untouched: they count from
 * the beginning.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { daysAhead, retentionCutoff, type RetentionDays } from "../domain/retention.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

/** Days created ahead of today. */
export const PARTITION_DAYS_AHEAD = 3;

/** What to keep. */
export interface RetentionPolicy {
  tradesRetentionDays: RetentionDays;
  candlesRetentionDays: RetentionDays;
}

/** What one {@link maintainPartitions} run did. */
export interface MaintenanceReport {
  created: number;
  dropped: string[];
  candlesDeleted: number;
  priceAlertsDeleted: number;
}

/** One housekeeping run as of `nowMs`. */
export async function maintainPartitions(
  sql: Sql,
  policy: RetentionPolicy,
  nowMs = Date.now(),
): Promise<MaintenanceReport> {
  const days = daysAhead(nowMs, PARTITION_DAYS_AHEAD);
  const [{ created }] = await sql<{ created: number }[]>`
    select ensure_trade_partitions(${arrayLiteral(days)}::date[]) as created
  `;
  const dropped: string[] = [];
  let priceAlertsDeleted = 0;
  if (policy.tradesRetentionDays !== undefined) {
    const cutoff = new Date(retentionCutoff(nowMs, policy.tradesRetentionDays));
    priceAlertsDeleted = (await sql`delete from price_alerts where bucket < ${cutoff}`).count;
    const expired = await sql<{ partition: string; detaching: boolean }[]>`
      select partition, detaching from trade_partitions where range_end <= ${cutoff}
    `;
    for (const { partition, detaching } of expired) {
      // A detach cut short by a crash is finished rather than started again.
      if (detaching) await sql`alter table trades detach partition ${sql(partition)} finalize`;
      else await sql`alter table trades detach partition ${sql(partition)} concurrently`;
      await sql`drop table ${sql(partition)}`;
      dropped.push(partition);
    }
  }
  let candlesDeleted = 0;
  if (policy.candlesRetentionDays !== undefined) {
    const cutoff = new Date(retentionCutoff(nowMs, policy.candlesRetentionDays));
    candlesDeleted = (await sql`delete from candles where bucket < ${cutoff}`).count;
  }
  return { created, dropped, candlesDeleted, priceAlertsDeleted };
}

/**
 * Runs {@link maintainPartitions} now and every `intervalMs`. A failed run is logged and tried
 * again at the next; stopping it waits for a run under way.
 */
export function startPartitionKeeper(
  database: { readonly sql: Sql },
  policy: RetentionPolicy,
  log: Logger,
  intervalMs = 600_000,
): Stoppable {
  let running: Promise<void> | undefined;
  const run = () => running ??= maintain().finally(() => running = undefined);
  const maintain = async () => {
    try {
      const report = await maintainPartitions(database.sql, policy);
      if (
        report.created || report.dropped.length || report.candlesDeleted ||
        report.priceAlertsDeleted
      ) {
        log.info("partitions maintained", { ...report });
      }
    } catch (error) {
      log.warn("partition maintenance failed; trying again later", { error, intervalMs });
    }
  };
  run();
  const timer = setInterval(run, intervalMs);
  return stoppable(async () => {
    clearInterval(timer);
    await running;
  });
}
