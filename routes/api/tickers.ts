/**
 * `GET /api/tickers`: every configured symbol's last 24 hours (open, high, low, last price,
 * change in percent, half-hourly closes), for the symbol strip; symbols without a trade in them
 * are left out.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { marketTickers } from "../../web/ticker_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    return Response.json({ tickers: await marketTickers(state.sql, state.symbols) });
  },
};
