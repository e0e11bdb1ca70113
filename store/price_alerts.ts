/**
 * Reading the alerts users' price rules fired, as {@link PriceAlertView}s: the dashboard reads
 * the newest for its panel and API, the monitor the ones it claimed to post to the webhook.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import type { PriceAlertView } from "../domain/dashboard_views.ts";

/** Options of {@link recentPriceAlerts}. */
export interface PriceAlertQuery {
  /** Only this symbol's, or every one's. */
  symbol?: string;
  limit: number;
  /** Only alerts of seconds that started after this time... */
  since?: Date;
  /** ...and before this one. */
  until?: Date;
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
  const { symbol, limit, since, until } = query;
  return await sql<PriceAlertView[]>`
    select ${alertColumns(sql)}
    from price_alerts a join price_rules r on r.id = a.rule_id
    where true
      ${symbol === undefined ? sql`` : sql`and a.symbol = ${symbol}`}
      ${since === undefined ? sql`` : sql`and a.bucket > ${since}`}
      ${until === undefined ? sql`` : sql`and a.bucket < ${until}`}
    order by a.id desc
    limit ${limit}
  `;
}

/** The alerts with these ids, oldest first. */
export async function priceAlertsByIds(sql: Sql, ids: string[]): Promise<PriceAlertView[]> {
  return await sql<PriceAlertView[]>`
    select ${alertColumns(sql)}
    from price_alerts a join price_rules r on r.id = a.rule_id
    where a.id = any(${arrayLiteral(ids)}::bigint[])
    order by a.id
  `;
}
