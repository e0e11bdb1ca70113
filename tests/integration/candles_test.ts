import assert from "node:assert/strict";
import type { Sql } from "../../runtime/database.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";
import { migrate } from "../../db/migrations.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";
import { mulberry32 } from "../../stack/seeded_random.ts";
import { CANDLE_SECONDS } from "../../domain/candles.ts";
import { assertBadRequests, dashboardApp } from "../helpers/dashboard_app.ts";

/** `count` trades of two symbols over about `spanMs`, ending `endMs`, 1 in 10 of them whales. */
function trades(count: number, endMs: number, spanMs: number): TradeEvent[] {
  const random = mulberry32(7);
  const events: TradeEvent[] = [];
  for (let i = 0; i < count; i++) {
    const symbol = i % 3 === 0 ? "ETHUSDT" : "BTCUSDT";
    const price = (1000 + Math.floor(random() * 100_000) / 100).toFixed(2);
    const quantity = random() < 0.1 ? "150.5" : (random() * 2 + 0.001).toFixed(5);
    events.push({
      ...tradeEvent(1_000 + i, price, quantity, symbol),
      tradeTime: endMs - spanMs + Math.floor((i / count) * spanMs),
      isBuyerMaker: random() < 0.5,
    });
  }
  return events;
}

/** Every stored candle, in a comparable order. */
async function storedCandles(sql: Sql) {
  return await sql`
    select symbol, interval_seconds, bucket, open::text, high::text, low::text, close::text,
      open_trade_id::text, close_trade_id::text, moving_average::text, buy_volume::text,
      sell_volume::text, quote_volume::text, trades::text
    from candles order by 1, 2, 3
  `;
}

/** The candles as they follow from the stored trades, computed independently of the store. */
async function candlesFromTrades(sql: Sql) {
  return await sql`
    with levels(seconds) as (values (1), (60), (300), (3600), (86400)),
    bucketed as (
      select t.*, l.seconds,
        date_bin(l.seconds * interval '1 second', trade_time, timestamptz 'epoch') as bucket,
        row_number() over (partition by symbol, l.seconds,
          date_bin(l.seconds * interval '1 second', trade_time, timestamptz 'epoch')
          order by trade_id) as first_rank,
        row_number() over (partition by symbol, l.seconds,
          date_bin(l.seconds * interval '1 second', trade_time, timestamptz 'epoch')
          order by trade_id desc) as last_rank
      from trades t cross join levels l
    )
    select symbol, seconds as interval_seconds, bucket,
      max(price) filter (where first_rank = 1)::text as open, max(price)::text as high,
      min(price)::text as low, max(price) filter (where last_rank = 1)::text as close,
      min(trade_id)::text as open_trade_id, max(trade_id)::text as close_trade_id,
      max(moving_average) filter (where last_rank = 1)::text as moving_average,
      coalesce(sum(quantity) filter (where not is_buyer_maker), 0)::numeric(30, 8)::text
        as buy_volume,
      coalesce(sum(quantity) filter (where is_buyer_maker), 0)::numeric(30, 8)::text
        as sell_volume,
      sum(price * quantity)::numeric(40, 16)::text as quote_volume, count(*)::text as trades
    from bucketed
    group by 1, 2, 3
    order by 1, 2, 3
  `;
}

/** What trade_aggregates should say, from the stored trades. */
async function aggregatesFromTrades(sql: Sql) {
  return await sql`
    select distinct on (symbol) symbol, count(*) over s as trade_count,
      (count(*) filter (where is_whale_trade) over s)::bigint as whale_count,
      price::text as last_price, trade_time as last_trade_time, moving_average::text
    from trades
    window s as (partition by symbol)
    order by symbol, trade_id desc
  `;
}

Deno.test("candles and aggregates are exact whatever the order and repeats of batches", async () => {
  const db = await createTestDatabase();
  try {
    // Three minutes of trades, delivered in batches out of order, some of them twice.
    const events = trades(900, Date.now(), 180_000);
    const handler = testBatchHandler(db.sql, 5);
    const batches: TradeEvent[][] = [];
    for (let i = 0; i < events.length; i += 60) batches.push(events.slice(i, i + 60));
    const order = [0, 1, 3, 2, 2, 4, 6, 5, 7, 9, 8, 1, 10, 11, 13, 12, 14, 14];
    for (const index of order) await handler.accept(kafkaMessages(batches[index]), BATCH_CONTEXT)();

    const [{ stored }] = await db.sql`select count(*)::int as stored from trades`;
    assert.equal(stored, 900, "every trade stored once");
    const expected = await candlesFromTrades(db.sql);
    assert.ok(expected.length > 900 / 5, "the trades fill many 1-second candles");
    assert.deepEqual(await storedCandles(db.sql), expected);
    const aggregates = await db.sql`
      select symbol, trade_count, whale_count, last_price::text, last_trade_time,
        moving_average::text
      from trade_aggregates order by symbol
    `;
    assert.deepEqual(aggregates, await aggregatesFromTrades(db.sql));
    assert.ok(aggregates.every((a) => Number(a.whale_count) > 0), "whales were counted");
  } finally {
    await db.drop();
  }
});

Deno.test("a trade delivered twice is stored once in the partitioned table", async () => {
  const db = await createTestDatabase();
  try {
    const handler = testBatchHandler(db.sql, 3);
    // Two days apart, so the trades land in two partitions; the repeat in a later batch.
    const first = { ...tradeEvent(1, "10"), tradeTime: Date.now() - 86_400_000 };
    const second = tradeEvent(2, "20");
    second.tradeTime = Date.now();
    await handler.accept(kafkaMessages([first, second]), BATCH_CONTEXT)();
    await handler.accept(kafkaMessages([second, first]), BATCH_CONTEXT)();
    const rows = await db.sql`
      select tableoid::regclass::text as partition, trade_id::int from trades order by trade_id
    `;
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].partition, rows[1].partition, "one partition per day");
    const [aggregate] = await db.sql`select trade_count::int from trade_aggregates`;
    assert.equal(aggregate.trade_count, 2, "counted once");
    assert.equal(handler.stats.duplicates, 2);
  } finally {
    await db.drop();
  }
});

Deno.test("the migration converts a database with history in place, losing nothing", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    await migrate(db.sql, "001");
    // History as the first schema stored it, over three days, with whales and an aggregate.
    await db.sql`
      insert into trades (symbol, trade_id, price, quantity, trade_time, trade_value,
        is_buyer_maker, moving_average, is_whale_trade)
      select 'BTCUSDT', i, 100 + i % 7, 1.5, now() - (3000 - i) * interval '90 seconds',
        round((100 + i % 7) * 1.5, 2), i % 2 = 0, 100 + i % 7, i % 50 = 0
      from generate_series(1, 3000) as i
    `;
    await db.sql`
      insert into trade_aggregates (symbol, moving_average, trade_count, total_volume,
        last_trade_id)
      values ('BTCUSDT', 105, 3000, 4500, 3000)
    `;
    const before = await db.sql`select * from trades order by trade_id`;
    assert.deepEqual(await migrate(db.sql, "002"), ["002"]);

    const after = await db.sql`select * from trades order by trade_id`;
    assert.deepEqual(after, before, "every trade kept, column for column");
    const [{ partitions }] = await db.sql`
      select count(*)::int as partitions from trade_partitions
    `;
    assert.ok(partitions >= 4, `three days of history and today are partitions (${partitions})`);
    assert.deepEqual(await storedCandles(db.sql), await candlesFromTrades(db.sql));
    const [aggregate] = await db.sql`
      select whale_count::int, last_price::text, last_trade_time from trade_aggregates
    `;
    assert.deepEqual(aggregate, {
      whale_count: 60,
      last_price: "104.00000000",
      last_trade_time: before.at(-1)!.trade_time,
    });
    // The id sequence goes on where it was, through the consumer on the schema's newest version.
    await migrate(db.sql);
    const handler = testBatchHandler(db.sql, 3);
    await handler.accept(
      kafkaMessages([{ ...tradeEvent(3001, "107"), tradeTime: Date.now() }]),
      BATCH_CONTEXT,
    )();
    const [{ id }] = await db.sql`select id::int from trades where trade_id = 3001`;
    assert.equal(id, 3001);
  } finally {
    await db.drop();
  }
});

Deno.test("the candles API serves any stored interval over a range, and says what it refuses", async () => {
  const db = await createTestDatabase();
  try {
    const now = Date.now();
    const events = trades(300, now, 3 * 3_600_000);
    const handler = testBatchHandler(db.sql, 5);
    await handler.accept(kafkaMessages(events), BATCH_CONTEXT)();
    const app = dashboardApp({ sql: db.sql });
    const get = (path: string) =>
      Promise.resolve(app.fetch(new Request(`http://dashboard${path}`)));

    const from = now - 4 * 3_600_000;
    const hourly = await (await get(`/api/candles?symbol=BTCUSDT&interval=1h&from=${from}`))
      .json();
    assert.equal(hourly.interval, "1h");
    const btc = events.filter((e) => e.symbol === "BTCUSDT");
    assert.equal(
      hourly.candles.reduce((n: number, c: { trades: number }) => n + c.trades, 0),
      btc.length,
      "every trade in some hourly candle",
    );
    const times = hourly.candles.map((c: { time: string }) => Date.parse(c.time));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), "oldest first");
    assert.ok(times.every((t: number) => t % 3_600_000 === 0), "hours start on the hour");
    const first = hourly.candles[0];
    assert.deepEqual(Object.keys(first).sort(), [
      "buyVolume",
      "close",
      "high",
      "low",
      "movingAverage",
      "open",
      "quoteVolume",
      "sellVolume",
      "time",
      "trades",
      "volume",
      "vwap",
    ]);
    const firstTrade = btc.find((e) =>
      Math.floor(e.tradeTime / 3_600_000) * 3_600_000 === times[0]
    )!;
    assert.equal(first.open, Number(firstTrade.price).toFixed(8));

    const minutes = await (await get(
      `/api/candles?symbol=ethusdt&interval=1m&from=${
        new Date(now - 600_000).toISOString()
      }&to=${now}`,
    )).json();
    const eth = events.filter((e) => e.symbol === "ETHUSDT" && e.tradeTime >= now - 600_000);
    assert.equal(
      minutes.candles.reduce((n: number, c: { trades: number }) => n + c.trades, 0) > 0,
      eth.length > 0,
    );

    await assertBadRequests(get, [
      ["/api/candles?interval=1m", /^symbol: is required/],
      [
        "/api/candles?symbol=BTCUSDT&interval=2m",
        /^interval: "2m" is not one of 1s, 1m, 5m, 1h, 1d\n$/,
      ],
      [
        `/api/candles?symbol=BTCUSDT&interval=1s&from=${now - 86_400_000}&to=${now}`,
        /^from: from\.\.to spans 86400 1s candles, at most 5000 an answer/,
      ],
      [`/api/candles?symbol=BTCUSDT&from=${now}&to=${now - 1}`, /^from: must be before to\n$/],
      ["/api/candles?symbol=BTCUSDT&to=yesterday", /^to: "yesterday" is not epoch/],
    ]);
  } finally {
    await db.drop();
  }
});

Deno.test("the stored intervals SQL lists are the ones the API names", async () => {
  const db = await createTestDatabase();
  try {
    const [{ seconds }] = await db.sql<{ seconds: number[] }[]>`
      select candle_interval_seconds() as seconds
    `;
    assert.deepEqual(seconds, [...CANDLE_SECONDS]);
  } finally {
    await db.drop();
  }
});
