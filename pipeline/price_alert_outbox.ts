/**
 * The monitor's side of price alerts: claiming the alerts the webhook has not yet received
 * (for a lease, so several monitors never post the same alert at once and a monitor that died
 * leaves its claims to the others), and recording how each delivery ended.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";

/**
 * How long a claim holds unless renewed. A monitor renews the claims of the alerts it is still
 * posting each time it claims, so a claim lapses only when its monitor is gone.
 */
const LEASE = "10 minutes";

/** Alerts older than this are given up: a webhook set up later gets no flood of history. */
const MAX_AGE = "1 day";

/**
 * Claims for `instance` up to `limit` undelivered alerts besides those it is already posting
 * (`posting`, whose claims are renewed); alerts too old to post are given up first. Returns the
 * ids claimed, in no order.
 */
export async function claimPriceAlerts(
  sql: Sql,
  instance: string,
  posting: string[],
  limit = 100,
): Promise<string[]> {
  const held = sql`${arrayLiteral(posting)}::bigint[]`;
  return await sql.begin(async (tx) => {
    await tx`
      update price_alerts set given_up_at = now()
      where delivered_at is null and given_up_at is null
        and created_at <= now() - ${MAX_AGE}::interval
    `;
    await tx`
      update price_alerts set claimed_at = now()
      where claimed_by = ${instance} and id = any(${held})
    `;
    const rows = await tx<{ id: string }[]>`
      update price_alerts set claimed_by = ${instance}, claimed_at = now()
      where id in (
        select id from price_alerts
        where delivered_at is null and given_up_at is null and not id = any(${held})
          and (claimed_at is null or claimed_at < now() - ${LEASE}::interval
            or claimed_by = ${instance})
        order by id
        limit ${limit}
        for update skip locked
      )
      returning id::text
    `;
    return rows.map((r) => r.id);
  });
}

/** Records that alert `id` was delivered, or given up after every retry failed. */
export async function settlePriceAlert(sql: Sql, id: string, delivered: boolean): Promise<void> {
  await sql`
    update price_alerts set
      delivered_at = case when ${delivered} then now() end,
      given_up_at = case when ${delivered} then null else now() end
    where id = ${id}
  `;
}

/** Gives back `instance`'s claims it did not settle (on a clean stop), for the next monitor. */
export async function releasePriceAlerts(sql: Sql, instance: string): Promise<void> {
  await sql`
    update price_alerts set claimed_by = null, claimed_at = null
    where claimed_by = ${instance} and delivered_at is null and given_up_at is null
  `;
}
