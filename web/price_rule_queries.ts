/**
 * The SQL of users' price rules on the dashboard's side: reading rules and the alerts they
 * fired, and (with the admin token) creating and deleting rules, each change announced on
 * {@link PRICE_ALERTS_CHANNEL}. The consumer judges them (`pipeline/price_rule_judging.ts`).
 */
import type postgres from "postgres";
import type { Sql } from "../runtime/database.ts";
import type { PriceRuleInput } from "../domain/price_rule.ts";
import {
  PANEL_ALERTS,
  type PriceAlertsView,
  type PriceAlertView,
  type PriceRuleView,
} from "../domain/dashboard_views.ts";
import { encodePriceAlertUpdates, PRICE_ALERTS_CHANNEL } from "../domain/price_alert_updates.ts";

/** Live rules one symbol may have; more are refused. */
export const MAX_RULES_PER_SYMBOL = 100;

/** The columns of a {@link PriceRuleView} of `price_rules`. */
function ruleColumns(sql: Sql | postgres.TransactionSql) {
  return sql`
    id::text, symbol, kind, direction, level::text, percent::text,
    window_seconds as "windowSeconds", to_json(created_at)#>>'{}' as "createdAt",
    to_json(last_fired_at)#>>'{}' as "lastFiredAt", fired_count as "firedCount"
  `;
}

/** Every live rule, by symbol, oldest first. */
export async function priceRules(sql: Sql): Promise<PriceRuleView[]> {
  return await sql<PriceRuleView[]>`
    select ${ruleColumns(sql)} from price_rules where deleted_at is null order by symbol, id
  `;
}

/** The live rule `id`, or undefined. */
export async function priceRule(sql: Sql, id: string): Promise<PriceRuleView | undefined> {
  const [rule] = await sql<PriceRuleView[]>`
    select ${ruleColumns(sql)} from price_rules where id = ${id} and deleted_at is null
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
        judged_until, side)
      select ${input.symbol}, ${input.kind}, ${input.direction}, ${level}::numeric,
        ${percent}::numeric, ${windowSeconds}::integer,
        coalesce(
          date_bin(interval '1 second', a.last_trade_time, timestamptz 'epoch'),
          date_bin(interval '1 second', now(), timestamptz 'epoch') - interval '1 second'
        ),
        case when a.last_price >= ${level}::numeric then 1
          when a.last_price < ${level}::numeric then -1 end
      from (select) as one
      left join trade_aggregates a on a.symbol = ${input.symbol}
      where (
        select count(*) from price_rules where symbol = ${input.symbol} and deleted_at is null
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
      update price_rules set deleted_at = now() where id = ${id} and deleted_at is null
      returning id
    `;
    if (deleted.length === 0) return false;
    await tx`select pg_notify(${PRICE_ALERTS_CHANNEL}, ${encodePriceAlertUpdates("rules")})`;
    return true;
  });
}

/** Options of {@link recentPriceAlerts}. */
export interface PriceAlertQuery {
  /** Only this symbol's, or every one's. */
  symbol?: string;
  limit: number;
  /** Only alerts of seconds that started after this time. */
  since?: Date;
}

/** The columns of a {@link PriceAlertView}: `price_alerts a` joined with `price_rules r`. */
function alertColumns(sql: Sql) {
  return sql`
    a.id::text, a.rule_id::text as "ruleId", a.symbol, r.kind, a.direction, r.level::text,
    r.percent::text, r.window_seconds as "windowSeconds", to_json(a.bucket)#>>'{}' as time,
    a.price::text, a.close::text, a.reference::text, a.change_percent::text as "changePercent",
    a.close_trade_id::text as "closeTradeId", to_json(a.created_at)#>>'{}' as "firedAt"
  `;
}

/** The newest alerts, newest first. */
export async function recentPriceAlerts(
  sql: Sql,
  query: PriceAlertQuery,
): Promise<PriceAlertView[]> {
  const { symbol, limit, since } = query;
  return await sql<PriceAlertView[]>`
    select ${alertColumns(sql)}
    from price_alerts a join price_rules r on r.id = a.rule_id
    where true
      ${symbol === undefined ? sql`` : sql`and a.symbol = ${symbol}`}
      ${since === undefined ? sql`` : sql`and a.bucket > ${since}`}
    order by a.id desc
    limit ${limit}
  `;
}

/** The alerts with these ids, oldest first. */
export async function priceAlertsByIds(sql: Sql, ids: string[]): Promise<PriceAlertView[]> {
  return await sql<PriceAlertView[]>`
    select ${alertColumns(sql)}
    from price_alerts a join price_rules r on r.id = a.rule_id
    where a.id = any(string_to_array(${ids.join(",")}, ',')::bigint[])
    order by a.id
  `;
}

/** The page's price alert panel: every live rule and the newest alerts. */
export async function priceAlertsView(sql: Sql): Promise<PriceAlertsView> {
  const [rules, alerts] = await Promise.all([
    priceRules(sql),
    recentPriceAlerts(sql, { limit: PANEL_ALERTS }),
  ]);
  return { rules, alerts };
}
