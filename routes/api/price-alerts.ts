/**
 * `GET /api/price-alerts?symbol=&limit=&since=&until=`: the alerts users' price rules fired,
 * newest first (`limit` 1–1000, default 50; `since` and `until` keep those of seconds that
 * started after and before them).
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { limitParam, symbolParam, timeParam } from "../../web/api_params.ts";
import { recentPriceAlerts } from "../../store/price_alerts.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const alerts = await recentPriceAlerts(state.sql, {
      symbol: symbolParam(url, state.symbols, false),
      limit: limitParam(url, 50),
      since: timeParam(url, "since"),
      until: timeParam(url, "until"),
    });
    return Response.json({ alerts });
  },
};
