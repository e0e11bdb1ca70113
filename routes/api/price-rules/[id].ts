/**
 * `GET /api/price-rules/:id`: one live price rule. `DELETE /api/price-rules/:id` with
 * `Authorization: Bearer <DASHBOARD_ADMIN_TOKEN>` deletes it (204); its alerts are kept. A rule
 * that does not exist, or no longer does, is a 404.
 */
import type { Handler, RouteContext } from "../../../fresh/compat.ts";
import type { DashboardState } from "../../../web/dashboard_state.ts";
import { BadRequest } from "../../../web/api_params.ts";
import { adminRefusal } from "../../../web/admin_token.ts";
import { deletePriceRule, priceRule } from "../../../web/price_rule_queries.ts";

/** The rule id of the path: digits only. */
function ruleId({ params }: RouteContext<DashboardState>): string {
  if (!/^\d{1,18}$/.test(params.id)) {
    throw new BadRequest("id", `"${params.id.slice(0, 40)}" is not a price rule id`);
  }
  return params.id;
}

function noSuchRule(id: string): Response {
  return new Response(`id: there is no price rule ${id}\n`, { status: 404 });
}

export const handler: Record<"GET" | "DELETE", Handler<DashboardState>> = {
  async GET(_request, context) {
    const id = ruleId(context);
    const rule = await priceRule(context.state.sql, id);
    return rule ? Response.json({ rule }) : noSuchRule(id);
  },

  async DELETE(request, context) {
    const refused = await adminRefusal(request, context.state.adminToken);
    if (refused) return refused;
    const id = ruleId(context);
    if (!await deletePriceRule(context.state.sql, id)) return noSuchRule(id);
    context.state.log.info("price rule deleted", { id });
    return new Response(null, { status: 204 });
  },
};
