/** `GET /api/series?symbol=&window=`: a symbol's chart in time buckets (5m, 15m, 1h, 4h, 24h). */
import type { Handler } from "../../fresh_compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { symbolParam, windowParam } from "../../web/api_params.ts";
import { CHART_WINDOWS, DEFAULT_CHART_WINDOW } from "../../ui/chart_windows.ts";
import { tradeSeries } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, true)!;
    const window = windowParam(url, DEFAULT_CHART_WINDOW);
    const { seconds, bucketSeconds } = CHART_WINDOWS[window];
    const points = await tradeSeries(state.sql, symbol, seconds, bucketSeconds);
    return Response.json({ symbol, window, bucketSeconds, points });
  },
};
