/** `GET /metrics` in Prometheus' text format: the figures `web/dashboard_metrics.ts` lists. */
import type { Handler } from "../fresh/compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import { dashboardMetrics } from "../web/dashboard_metrics.ts";
import { metricsResponse } from "../runtime/metrics.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    return await metricsResponse(await dashboardMetrics(state));
  },
};
