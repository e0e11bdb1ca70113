/**
 * `GET /healthz`: 200 when the database and the listener are up, 503 saying which is not
 * (without the database's own error, which the log has).
 */
import type { Handler } from "../fresh/compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    try {
      await state.sql`select 1`;
      const listener = state.live === undefined ? "off" : state.live.listening ? "ok" : "down";
      const status = listener === "down" ? 503 : 200;
      return Response.json(
        { status: status === 200 ? "ok" : "degraded", database: "ok", listener },
        { status },
      );
    } catch (error) {
      // Public even on a private dashboard: the cause (host and role names) goes to the log.
      state.log.warn("health check: the database does not answer", { error });
      return Response.json({ status: "unavailable", database: "down" }, { status: 503 });
    }
  },
};
