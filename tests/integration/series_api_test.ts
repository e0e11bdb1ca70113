import assert from "node:assert/strict";
import { planBatch } from "../../domain/batch_plan.ts";
import { storeTrades } from "../../pipeline/trade_store.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { assertBadRequests, dashboardApp, quietLog } from "../helpers/dashboard_app.ts";

Deno.test("the series API cuts candles of a window: OHLC, average, VWAP, volume by taker side", async () => {
  const db = await createTestDatabase();
  try {
    // Two 1-second buckets a minute ago, and one trade two hours ago outside a 5-minute window.
    const start = Math.floor((Date.now() - 60_000) / 1000) * 1000;
    const at = (
      id: number,
      ms: number,
      price: string,
      quantity: string,
      buyerIsMaker: boolean,
    ) => ({
      ...tradeEvent(id, price, quantity),
      tradeTime: ms,
      isBuyerMaker: buyerIsMaker,
    });
    const events = [
      at(1, Date.now() - 7_200_000, "1", "1", false),
      at(2, start + 100, "10", "1.5", false),
      at(3, start + 900, "20", "0.25", true),
      at(4, start + 1_200, "30", "2", true),
    ];
    const plan = planBatch(events, new Map(), 2, "100000");
    await storeTrades(db.sql, plan.rows, 2, plan.windowEnds);
    const app = dashboardApp({ log: quietLog, sql: db.sql, symbols: ["BTCUSDT"] });
    const get = (path: string) =>
      Promise.resolve(app.fetch(new Request(`http://dashboard${path}`)));

    const body = await (await get("/api/series?symbol=BTCUSDT&window=5m")).json();
    assert.equal(body.bucketSeconds, 1);
    assert.deepEqual(
      body.points.map((p: Record<string, unknown>) => [
        new Date(p.time as string).getTime(),
        p.close,
        p.movingAverage,
        p.buyVolume,
        p.sellVolume,
        p.trades,
        p.open,
        p.high,
        p.low,
        p.volume,
        p.quoteVolume,
        p.vwap,
      ]),
      [
        [
          start,
          "20.00000000",
          "15.00000000",
          "1.50000000",
          "0.25000000",
          2,
          "10.00000000",
          "20.00000000",
          "10.00000000",
          "1.75000000",
          "20.0000000000000000",
          "11.42857143",
        ],
        [
          start + 1000,
          "30.00000000",
          "25.00000000",
          "0.00000000",
          "2.00000000",
          1,
          "30.00000000",
          "30.00000000",
          "30.00000000",
          "2.00000000",
          "60.0000000000000000",
          "30.00000000",
        ],
      ],
    );
    const day = await (await get("/api/series?symbol=btcusdt&window=24h")).json();
    assert.equal(day.points.reduce((n: number, p: { trades: number }) => n + p.trades, 0), 4);
    assert.equal(day.bucketSeconds, 300);

    await assertBadRequests(get, [
      ["/api/series?window=5m", /^symbol: is required, one of BTCUSDT\n$/],
      [
        "/api/series?symbol=BTCUSDT&window=2d",
        /^window: "2d" is not one of 5m, 15m, 1h, 4h, 24h, 7d, 30d\n$/,
      ],
    ]);
  } finally {
    await db.drop();
  }
});
