/** The strip's change in percent, exact on decimal strings, and a live price moving a ticker. */
import assert from "node:assert/strict";
import { changePercent, withLastPrice } from "../../domain/market_ticker.ts";
import type { MarketTicker } from "../../domain/dashboard_views.ts";

Deno.test("the change is exact and rounded half away from zero, to 2 decimals", () => {
  assert.equal(changePercent("100", "101.25"), "+1.25");
  assert.equal(changePercent("100", "98.995"), "-1.01", "-1.005 rounds away from zero");
  assert.equal(changePercent("3", "3.00015"), "+0.01", "0.005 rounds up");
  assert.equal(changePercent("3", "3.000149"), "0.00", "0.00497 rounds to no change");
  assert.equal(changePercent("67000.12", "67000.12"), "0.00");
  assert.equal(changePercent("0.00000001", "0.00000002"), "+100.00");
  assert.equal(changePercent("0", "1"), undefined, "no change from zero");
  assert.equal(changePercent("1e3", "1"), undefined, "not an amount");
});

Deno.test("a live price widens the high or low and moves the change", () => {
  const ticker: MarketTicker = {
    symbol: "BTCUSDT",
    since: "2026-12-03T00:00:00.000Z",
    open: "100.00",
    high: "110.00",
    low: "90.00",
    lastPrice: "105.00",
    changePercent: "+5.00",
    sparkline: [100, 105],
  };
  assert.deepEqual(withLastPrice(ticker, "111.5"), {
    ...ticker,
    lastPrice: "111.5",
    high: "111.5",
    changePercent: "+11.50",
  });
  assert.deepEqual(withLastPrice(ticker, "89.99"), {
    ...ticker,
    lastPrice: "89.99",
    low: "89.99",
    changePercent: "-10.01",
  });
  assert.deepEqual(withLastPrice(ticker, "100"), {
    ...ticker,
    lastPrice: "100",
    changePercent: "0.00",
  });
});
