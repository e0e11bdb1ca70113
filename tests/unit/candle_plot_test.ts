import assert from "node:assert/strict";
import { plotCandles } from "../../ui/candle_plot.ts";
import type { Candle } from "../../domain/dashboard_views.ts";

const candle = (time: string, open: string, close: string): Candle => ({
  time,
  open,
  high: "12",
  low: "8",
  close,
  volume: "3",
  buyVolume: "1",
  sellVolume: "2",
  quoteVolume: "30",
  trades: 2,
  vwap: "10",
  movingAverage: "9.5",
});

Deno.test("candles are plotted at the middle of their buckets over the whole window", () => {
  const now = Date.parse("2026-12-02T10:00:07Z");
  const plot = plotCandles({
    symbol: "BTCUSDT",
    window: "5m",
    bucketSeconds: 1,
    points: [
      candle("2026-12-02T09:59:58.000Z", "9", "11"),
      candle("2026-12-02T10:00:05.000Z", "11", "10"),
    ],
  }, now);
  assert.deepEqual(plot.candles.map((c) => [c.x, c.o, c.h, c.l, c.c]), [
    [Date.parse("2026-12-02T09:59:58.500Z"), 9, 12, 8, 11],
    [Date.parse("2026-12-02T10:00:05.500Z"), 11, 12, 8, 10],
  ]);
  assert.deepEqual(plot.bought.map((p) => p.y), [1, 1]);
  assert.deepEqual(plot.sold.map((p) => p.y), [2, 2]);
  assert.equal(plot.to, now);
  assert.equal(plot.from, now - 300_000);
  assert.equal(plot.bucketMs, 1_000, "lines break past one bucket: the gap stays a gap");
  assert.ok(plot.priceRange.min < 8 && plot.priceRange.max > 12);
});

Deno.test("a lone flat candle still gets a price range", () => {
  const flat = { ...candle("2026-12-02T10:00:00.000Z", "5", "5"), high: "5", low: "5" };
  const plot = plotCandles(
    {
      symbol: "X",
      window: "1h",
      bucketSeconds: 15,
      points: [{ ...flat, vwap: "5", movingAverage: "5" }],
    },
    0,
  );
  assert.ok(plot.priceRange.min < 5 && plot.priceRange.max > 5);
});
