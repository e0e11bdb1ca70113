/**
 * The monitor's and components' writes about the pipeline itself: each instance's status row,
 * the gaps the producer gave up, and the alert rules' state, with a NOTIFY on
 * `pipeline_health` so the dashboard's health panel follows.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import type { ComponentState, GapReport } from "../domain/status_event.ts";
import type { Evaluation } from "../domain/alert_rules.ts";
import { type AlertNotice, PIPELINE_HEALTH_CHANNEL } from "../domain/alert_notice.ts";

/** Serialises the monitors' alert transitions, so one change is announced once. */
const ALERTS_LOCK = 7_204_115;

/** Replaces the status row of the component's `instance` with its state, as of `at` (epoch ms). */
export async function reportStatus(
  sql: Sql,
  { component, state }: ComponentState,
  instance: string,
  at: number,
): Promise<void> {
  await sql`
    with reported as (
      insert into pipeline_status (component, instance, reported_at, state)
      values (${component}, ${instance}, ${new Date(at)}, ${sql.json(state as never)})
      on conflict (component, instance) do update set
        reported_at = greatest(pipeline_status.reported_at, excluded.reported_at),
        state = case when excluded.reported_at >= pipeline_status.reported_at
          then excluded.state else pipeline_status.state end
      returning 1
    )
    select pg_notify(${PIPELINE_HEALTH_CHANNEL}, 'status') from reported
  `;
}

/** Deletes status rows not reported for a day: instances that stopped and did not come back. */
export async function forgetSilentInstances(sql: Sql): Promise<void> {
  await sql`delete from pipeline_status where reported_at < now() - interval '1 day'`;
}

/** Records gaps the producer gave up; a gap reported twice is kept once. */
export async function recordGaps(sql: Sql, gaps: GapReport[]): Promise<void> {
  if (gaps.length === 0) return;
  await sql.begin(async (tx) => {
    for (const gap of gaps) {
      await tx`
        insert into trade_gaps (symbol, first_missing_id, last_missing_id, found_at, reason)
        values (${gap.symbol}, ${gap.firstMissingId}, ${gap.lastMissingId},
          ${new Date(gap.foundAt)}, ${gap.reason})
        on conflict (symbol, first_missing_id) do nothing
      `;
    }
    await tx`select pg_notify(${PIPELINE_HEALTH_CHANNEL}, 'gaps')`;
  });
}

/**
 * Stores `evaluations` as the rules' current state and returns the changes: a rule that starts
 * firing, or one that fired and no longer does. A rule never fired and not firing is no news.
 */
export async function applyEvaluations(
  sql: Sql,
  evaluations: Evaluation[],
): Promise<AlertNotice[]> {
  if (evaluations.length === 0) return [];
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${ALERTS_LOCK})`;
    const changes = await tx<(AlertNotice & { changed: boolean })[]>`
      with evaluated as (
        select * from unnest(
          ${arrayLiteral(evaluations.map((e) => e.rule))}::text[],
          ${arrayLiteral(evaluations.map((e) => e.subject))}::text[],
          ${arrayLiteral(evaluations.map((e) => e.value))}::float8[],
          ${arrayLiteral(evaluations.map((e) => e.threshold))}::float8[],
          ${arrayLiteral(evaluations.map((e) => e.firing))}::boolean[]
        ) as e(rule, subject, value, threshold, firing)
      ),
      before as (
        select a.rule, a.subject, a.firing from alerts a join evaluated using (rule, subject)
      ),
      stored as (
        insert into alerts as a (rule, subject, firing, value, threshold, fired_at, resolved_at)
        select rule, subject, firing, value, threshold, now(),
          case when firing then null else now() end
        from evaluated
        on conflict (rule, subject) do update set
          firing = excluded.firing,
          value = excluded.value,
          threshold = excluded.threshold,
          fired_at = case when excluded.firing and not a.firing then now() else a.fired_at end,
          resolved_at = case
            when excluded.firing then null
            when a.firing then now()
            else a.resolved_at end,
          updated_at = now()
        returning a.*
      )
      select 1 as v, s.rule, s.subject, case when s.firing then 'firing' else 'resolved' end as state,
        s.value, s.threshold, to_json(s.fired_at)#>>'{}' as "firedAt",
        to_json(s.resolved_at)#>>'{}' as "resolvedAt",
        (b.firing is distinct from s.firing) and (b.firing is not null or s.firing) as changed
      from stored s left join before b using (rule, subject)
    `;
    await tx`select pg_notify(${PIPELINE_HEALTH_CHANNEL}, 'alerts')`;
    return changes.filter((c) => c.changed).map(({ changed: _, resolvedAt, ...notice }) =>
      resolvedAt ? { ...notice, resolvedAt } : notice
    );
  });
}
