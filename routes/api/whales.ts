/**
 * `GET /api/whales?symbol=&limit=&since=&until=`: the newest whale trades (after `since`, before
 * `until`), newest first.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { limitParam, symbolParam, timeParam } from "../../web/api_params.ts";
import { recentTrades } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, false);
    const limit = limitParam(url, 50);
    const [since, until] = [timeParam(url, "since"), timeParam(url, "until")];
    const whales = await recentTrades(state.sql, {
      symbol,
      limit,
      since,
      until,
      whalesOnly: true,
    });
    return Response.json({ whales });
  },
};
