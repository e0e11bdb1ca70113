/**
 * The SQL of users' price rules on the dashboard's side: reading rules, the panel of rules and
 * alerts, and (with the admin token) creating and deleting rules, each change announced on
 * {@link PRICE_ALERTS_CHANNEL}. The consumer judges them (`pipeline/price_rule_judging.ts`);
 * the alerts they fired are read through `store/price_alerts.ts`.
 */
import type postgres from "postgres";
import type { Sql } from "../runtime/database.ts";
import type { PriceRuleInput } from "../domain/price_rule.ts";
import {
  PANEL_ALERTS,
  type PriceAlertsView,
  type PriceRuleView,
} from "../domain/dashboard_views.ts";
import { recentPriceAlerts } from "../store/price_alerts.ts";
import { encodePriceAlertUpdates, PRICE_ALERTS_CHANNEL } from "../domain/price_alert_updates.ts";

/** Live rules one symbol may have; more are refused. */
export const MAX_RULES_PER_SYMBOL = 100;

/** The columns of a {@link PriceRuleView} of `price_rules`. */
function ruleColumns(sql: Sql | postgres.TransactionSql) {
  return sql`
    id::text, symbol, kind, direction, level::text, percent::text,
    window_seconds as "windowSeconds", frequency, frequency_seconds as "frequencySeconds",
    to_json(created_at)#>>'{}' as "createdAt",
    to_json(last_fired_at)#>>'{}' as "lastFiredAt", fired_count as "firedCount"
  `;
}

/** Every live rule (neither deleted nor ended), by symbol, oldest first. */
export async function priceRules(sql: Sql): Promise<PriceRuleView[]> {
  return await sql<PriceRuleView[]>`
    select ${ruleColumns(sql)} from live_price_rules r order by r.symbol, r.id
  `;
}

/** The live rule `id`, or undefined. */
export async function priceRule(sql: Sql, id: string): Promise<PriceRuleView | undefined> {
  const [rule] = await sql<PriceRuleView[]>`
    select ${ruleColumns(sql)} from live_price_rules where id = ${id}
  `;
  return rule;
}

/**
 * Creates `input`; undefined when its symbol already has {@link MAX_RULES_PER_SYMBOL} rules.
 * The rule judges the seconds after the symbol's newest stored trade (or after now, before
 * its first), and a `crosses` rule starts on the side of that trade's price.
 */
export async function createPriceRule(
  sql: Sql,
  input: PriceRuleInput,
): Promise<PriceRuleView | undefined> {
  const level = input.kind === "crosses" ? input.level : null;
  const [percent, windowSeconds] = input.kind === "moves"
    ? [input.percent, input.windowSeconds]
    : [null, null];
  return await sql.begin(async (tx) => {
    // Serialises creations per symbol, so the cap holds under concurrent requests.
    await tx`select pg_advisory_xact_lock(hashtext('price_rules ' || ${input.symbol}))`;
    const [rule] = await tx<PriceRuleView[]>`
      insert into price_rules (symbol, kind, direction, level, percent, window_seconds,
        frequency, frequency_seconds, judged_until, side)
      select ${input.symbol}, ${input.kind}, ${input.direction}, ${level}::numeric,
        ${percent}::numeric, ${windowSeconds}::integer, ${input.frequency},
        ${input.frequencySeconds}::integer,
        coalesce(
          date_bin(interval '1 second', a.last_trade_time, timestamptz 'epoch'),
          date_bin(interval '1 second', now(), timestamptz 'epoch') - interval '1 second'
        ),
        case when a.last_price >= ${level}::numeric then 1
          when a.last_price < ${level}::numeric then -1 end
      from (select) as one
      left join trade_aggregates a on a.symbol = ${input.symbol}
      where (
        select count(*) from live_price_rules where symbol = ${input.symbol}
      ) < ${MAX_RULES_PER_SYMBOL}
      returning ${ruleColumns(tx)}
    `;
    if (rule) {
      await tx`select pg_notify(${PRICE_ALERTS_CHANNEL}, ${encodePriceAlertUpdates("rules")})`;
    }
    return rule;
  });
}

/** Deletes the live rule `id`; false when there is none. Its alerts are kept. */
export async function deletePriceRule(sql: Sql, id: string): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const deleted = await tx`
      update live_price_rules set deleted_at = now() where id = ${id} returning id
    `;
    if (deleted.length === 0) return false;
    await tx`select pg_notify(${PRICE_ALERTS_CHANNEL}, ${encodePriceAlertUpdates("rules")})`;
    return true;
  });
}

/** The page's price alert panel: every live rule and the newest alerts. */
export async function priceAlertsView(sql: Sql): Promise<PriceAlertsView> {
  const [rules, alerts] = await Promise.all([
    priceRules(sql),
    recentPriceAlerts(sql, { limit: PANEL_ALERTS }),
  ]);
  return { rules, alerts };
}
