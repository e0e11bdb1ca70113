/** `GET /healthz`: 200 when the database answers, 503 with the reason when it does not. */
import type { Handler } from "../fresh_compat.ts";
import type { DashboardState } from "../pipeline/dashboard_state.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    try {
      await state.sql`select 1`;
      return Response.json({ status: "ok", database: "ok" });
    } catch (error) {
      return Response.json(
        { status: "unavailable", database: String((error as Error).message) },
        { status: 503 },
      );
    }
  },
};
