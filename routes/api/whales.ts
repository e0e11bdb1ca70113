/** `GET /api/whales?symbol=&limit=&since=`: the newest whale trades, newest first. */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { limitParam, symbolParam, timeParam } from "../../web/api_params.ts";
import { recentTrades } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, false);
    const limit = limitParam(url, 50);
    const since = timeParam(url, "since");
    const whales = await recentTrades(state.sql, { symbol, limit, since, whalesOnly: true });
    return Response.json({ whales });
  },
};
