/**
 * `GET /api/price-rules`: every live price rule. `POST /api/price-rules` with
 * `Authorization: Bearer <DASHBOARD_ADMIN_TOKEN>` and a JSON rule
 * (`{"symbol":"BTCUSDT","kind":"crosses","level":"70000"}` or
 * `{"symbol":"BTCUSDT","kind":"moves","percent":"2","window":"5m"}`, each with an optional
 * `direction`) creates one: 201 with the rule. A bad rule is a 400 naming the field.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { jsonBody } from "../../web/api_params.ts";
import { adminRefusal } from "../../web/admin_token.ts";
import { parsePriceRule, PriceRuleError } from "../../domain/price_rule.ts";
import { createPriceRule, MAX_RULES_PER_SYMBOL, priceRules } from "../../web/price_rule_queries.ts";

export const handler: Record<"GET" | "POST", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    return Response.json({ rules: await priceRules(state.sql) });
  },

  async POST(request, { state }) {
    const refused = await adminRefusal(request, state.adminToken);
    if (refused) return refused;
    let input;
    try {
      input = parsePriceRule(await jsonBody(request), state.symbols);
    } catch (error) {
      if (!(error instanceof PriceRuleError)) throw error;
      return new Response(`${error.message}\n`, { status: 400 });
    }
    const rule = await createPriceRule(state.sql, input);
    if (!rule) {
      return new Response(
        `symbol: ${input.symbol} already has ${MAX_RULES_PER_SYMBOL} price rules; delete one\n`,
        { status: 409 },
      );
    }
    state.log.info("price rule created", { ...rule });
    return Response.json({ rule }, {
      status: 201,
      headers: { location: `/api/price-rules/${rule.id}` },
    });
  },
};
