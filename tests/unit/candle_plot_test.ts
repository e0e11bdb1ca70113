/** Candles as the chart plots them: where each sits, which is under a point, what fits a range. */
import assert from "node:assert/strict";
import {
  candleNearest,
  fitRanges,
  plotCandles,
  plotWithin,
  pointsWithin,
} from "../../ui/candle_plot.ts";
import type { Candle } from "../../domain/dashboard_views.ts";

const candle = (time: string, open: string, close: string, high = "12", low = "8"): Candle => ({
  time,
  open,
  high,
  low,
  close,
  volume: "3",
  buyVolume: "1",
  sellVolume: "2",
  quoteVolume: "30",
  trades: 2,
  vwap: "10",
  movingAverage: "9.5",
});

Deno.test("candles are plotted at the middle of their buckets, a gap staying a gap", () => {
  const plot = plotCandles([
    candle("2026-12-02T09:59:58.000Z", "9", "11"),
    candle("2026-12-02T10:00:05.000Z", "11", "10"),
  ], 1_000);
  assert.deepEqual(plot.candles.map((c) => [c.x, c.o, c.h, c.l, c.c]), [
    [Date.parse("2026-12-02T09:59:58.500Z"), 9, 12, 8, 11],
    [Date.parse("2026-12-02T10:00:05.500Z"), 11, 12, 8, 10],
  ]);
  assert.deepEqual(plot.bought.map((p) => p.y), [1, 1]);
  assert.deepEqual(plot.sold.map((p) => p.y), [2, 2]);
  assert.equal(plot.bucketMs, 1_000, "lines break past one bucket: the gap stays a gap");
});

Deno.test("the candle under a point is the nearest one, at either end too", () => {
  const plot = plotCandles([
    candle("2026-12-02T10:00:00.000Z", "9", "11"),
    candle("2026-12-02T10:01:00.000Z", "11", "10"),
    candle("2026-12-02T10:05:00.000Z", "10", "10"),
  ], 60_000);
  const at = (iso: string) => candleNearest(plot, Date.parse(iso));
  assert.equal(at("2026-12-02T09:00:00Z"), 0);
  assert.equal(at("2026-12-02T10:01:00Z"), 0, "as near the first as the second: the first");
  assert.equal(at("2026-12-02T10:01:01Z"), 1);
  assert.equal(at("2026-12-02T10:03:31Z"), 2);
  assert.equal(at("2026-12-03T00:00:00Z"), 2);
  assert.equal(candleNearest(plotCandles([], 1_000), 0), undefined);
});

Deno.test("the price and volume ranges fit the candles shown, not those outside", () => {
  const plot = plotCandles([
    candle("2026-12-02T10:00:00.000Z", "9", "11", "500", "1"),
    candle("2026-12-02T10:01:00.000Z", "11", "10"),
    candle("2026-12-02T10:02:00.000Z", "10", "10"),
  ], 60_000);
  const shown = fitRanges(
    plot,
    Date.parse("2026-12-02T10:01:00Z"),
    Date.parse("2026-12-02T10:03:00Z"),
  );
  assert.ok(shown.price.min < 8 && shown.price.min > 7.5, `${shown.price.min}`);
  assert.ok(shown.price.max > 12 && shown.price.max < 12.5, `${shown.price.max}`);
  assert.deepEqual(shown.volume, { min: 0, max: 3 * 1.1 });
  const all = fitRanges(plot, 0, Date.parse("2026-12-03T00:00:00Z"));
  assert.ok(all.price.max > 500 && all.price.min < 1);
});

Deno.test("a lone flat candle still gets a price range, and nothing shown a default one", () => {
  const flat = {
    ...candle("2026-12-02T10:00:00.000Z", "5", "5", "5", "5"),
    vwap: "5",
    movingAverage: "5",
  };
  const plot = plotCandles([flat], 15_000);
  const fitted = fitRanges(plot, 0, Date.parse("2026-12-03T00:00:00Z"));
  assert.ok(fitted.price.min < 5 && fitted.price.max > 5);
  assert.deepEqual(fitRanges(plot, 0, 1), {
    price: { min: 0, max: 1 },
    volume: { min: 0, max: 1 },
  });
});

Deno.test("a plot cut to a range keeps every list's candles of it, in step", () => {
  const plot = plotCandles([
    candle("2026-12-02T10:00:00.000Z", "9", "11"),
    candle("2026-12-02T10:01:00.000Z", "11", "10"),
    candle("2026-12-02T10:02:00.000Z", "10", "12"),
  ], 60_000);
  const cut = plotWithin(
    plot,
    Date.parse("2026-12-02T10:01:30Z"),
    Date.parse("2026-12-02T10:02:30Z"),
  );
  assert.deepEqual(cut.candles, plot.candles.slice(1));
  for (const list of [cut.vwap, cut.movingAverage, cut.bought, cut.sold]) {
    assert.equal(list.length, 2);
  }
  assert.deepEqual(pointsWithin(plot.vwap, 0, plot.vwap[0].x), [plot.vwap[0]]);
});
