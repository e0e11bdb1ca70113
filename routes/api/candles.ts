/**
 * `GET /api/candles?symbol=&interval=1s|1m|5m|1h|1d&from=&to=`: a symbol's stored candles over
 * any range, oldest first. `to` defaults to now and `from` to 1,000 intervals before it; a range
 * of more than 5,000 candles is a 400.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { candleRangeParams, symbolParam } from "../../web/api_params.ts";
import { candleSeries } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, true)!;
    const { interval, bucketSeconds, from, to } = candleRangeParams(url);
    const candles = await candleSeries(state.sql, { symbol, from, to, bucketSeconds });
    return Response.json({ symbol, interval, candles });
  },
};
