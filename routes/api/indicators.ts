/**
 * `GET /api/indicators?symbol=&interval=&from=&to=&set=ema:20,rsi:14`: indicators over a
 * symbol's candles (the range as `/api/candles` takes it), each computed from the candles'
 * closes by `domain/indicators.ts`. The candles before `from` that the indicators need are
 * read as well, so the first value shown is the value over the whole stored history.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { candleRangeParams, indicatorSetParam, symbolParam } from "../../web/api_params.ts";
import { candlesBackFrom, candleSeries } from "../../web/dashboard_queries.ts";
import { indicatorSeries, type IndicatorsView, warmUpCandles } from "../../domain/indicators.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state }) {
    const symbol = symbolParam(url, state.symbols, true)!;
    const { interval, bucketSeconds, from, to } = candleRangeParams(url);
    const specs = indicatorSetParam(url);
    const count = Math.max(...specs.map(warmUpCandles));
    const start = await candlesBackFrom(state.sql, { symbol, bucketSeconds, before: from, count });
    const candles = await candleSeries(state.sql, { symbol, from: start, to, bucketSeconds });
    const shown = candles.findIndex((candle) => Date.parse(candle.time) >= from.getTime());
    const firstShown = shown === -1 ? candles.length : shown;
    const closes = candles.map((candle) => Number(candle.close));
    const view: IndicatorsView = {
      symbol,
      interval,
      times: candles.slice(firstShown).map((candle) => candle.time),
      indicators: specs.map((spec) => indicatorSeries(spec, closes, firstShown)),
    };
    return Response.json(view);
  },
};
