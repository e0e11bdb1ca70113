/** The dashboard's routes, as Fresh's generated `fresh.gen.ts` lists them. */
import type { Manifest } from "./compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import App from "../routes/_app.tsx";
import * as middleware from "../routes/_middleware.ts";
import * as index from "../routes/index.tsx";
import * as healthz from "../routes/healthz.ts";
import * as metrics from "../routes/metrics.ts";
import * as signIn from "../routes/sign-in.tsx";
import * as signOut from "../routes/sign-out.ts";
import * as apiTrades from "../routes/api/trades.ts";
import * as apiWhales from "../routes/api/whales.ts";
import * as apiAggregates from "../routes/api/aggregates.ts";
import * as apiStream from "../routes/api/stream.ts";
import * as apiSeries from "../routes/api/series.ts";
import * as apiCandles from "../routes/api/candles.ts";
import * as apiIndicators from "../routes/api/indicators.ts";
import * as apiTickers from "../routes/api/tickers.ts";
import * as apiPriceRules from "../routes/api/price-rules.ts";
import * as apiPriceRule from "../routes/api/price-rules/[id].ts";
import * as apiPriceAlerts from "../routes/api/price-alerts.ts";

/** Every route module under `routes/`, keyed by its path there. */
export const manifest: Manifest<DashboardState> = {
  app: App,
  middleware: middleware.handler,
  routes: {
    "index.tsx": index,
    "healthz.ts": healthz,
    "metrics.ts": metrics,
    "sign-in.tsx": signIn,
    "sign-out.ts": signOut,
    "api/trades.ts": apiTrades,
    "api/whales.ts": apiWhales,
    "api/aggregates.ts": apiAggregates,
    "api/stream.ts": apiStream,
    "api/series.ts": apiSeries,
    "api/candles.ts": apiCandles,
    "api/indicators.ts": apiIndicators,
    "api/tickers.ts": apiTickers,
    "api/price-rules.ts": apiPriceRules,
    "api/price-rules/[id].ts": apiPriceRule,
    "api/price-alerts.ts": apiPriceAlerts,
  },
};
