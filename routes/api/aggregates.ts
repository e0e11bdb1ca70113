/** `GET /api/aggregates`: every symbol's totals, moving average and newest trade. */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { symbolSummaries } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    return Response.json({ aggregates: await symbolSummaries(state.sql) });
  },
};
