/**
 * `GET /api/series?symbol=&window=`: a symbol's chart, the candles of one of the chart windows
 * (5m to 30d) up to now, read from the stored candles.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { symbolParam, windowParam } from "../../web/api_params.ts";
import { CHART_WINDOWS, DEFAULT_CHART_WINDOW } from "../../domain/chart_windows.ts";
import { candleSeries } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, true)!;
    const window = windowParam(url, DEFAULT_CHART_WINDOW);
    const { seconds, bucketSeconds } = CHART_WINDOWS[window];
    const to = new Date();
    // Aligned to a bucket, so the first candle is whole.
    const start = to.getTime() - seconds * 1_000;
    const from = new Date(start - start % (bucketSeconds * 1_000));
    const points = await candleSeries(state.sql, { symbol, from, to, bucketSeconds });
    return Response.json({ symbol, window, bucketSeconds, points });
  },
};
