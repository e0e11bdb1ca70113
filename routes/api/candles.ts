/**
 * `GET /api/candles?symbol=&interval=1s|1m|5m|1h|1d&from=&to=`: a symbol's stored candles over
 * any range, oldest first. `to` defaults to now and `from` to 1,000 intervals before it; a range
 * of more than {@link MAX_CANDLES} candles is a 400.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { BadRequest, intervalParam, symbolParam, timeParam } from "../../web/api_params.ts";
import { CANDLE_INTERVALS, MAX_CANDLES } from "../../domain/candles.ts";
import { candleSeries } from "../../web/dashboard_queries.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, true)!;
    const interval = intervalParam(url, "1m");
    const bucketSeconds = CANDLE_INTERVALS[interval];
    const to = timeParam(url, "to") ?? new Date();
    const from = timeParam(url, "from") ?? new Date(to.getTime() - 1_000 * bucketSeconds * 1_000);
    if (from >= to) throw new BadRequest("from", "must be before to");
    const count = Math.ceil((to.getTime() - from.getTime()) / (bucketSeconds * 1_000));
    if (count > MAX_CANDLES) {
      throw new BadRequest(
        "from",
        `from..to spans ${count} ${interval} candles, at most ${MAX_CANDLES} an answer: ` +
          `narrow the range or choose a coarser interval`,
      );
    }
    const candles = await candleSeries(state.sql, { symbol, from, to, bucketSeconds });
    return Response.json({ symbol, interval, candles });
  },
};
