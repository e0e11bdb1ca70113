/** `POST /sign-out`: ends the browser's session and goes back to the sign-in form. */
import type { Handler } from "../fresh/compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import { CLEARED_SESSION_COOKIE } from "../web/read_access.ts";

export const handler: Record<"POST", Handler<DashboardState>> = {
  POST() {
    return new Response(null, {
      status: 303,
      headers: { location: "/sign-in", "set-cookie": CLEARED_SESSION_COOKIE },
    });
  },
};
