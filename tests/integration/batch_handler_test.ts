import assert from "node:assert/strict";
import { BatchAbandoned, createBatchHandler } from "../../pipeline/batch_handler.ts";
import { DatabasePool } from "../../runtime/database.ts";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import { encodeTradeEvent } from "../../domain/trade_event.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages } from "../helpers/batch_input.ts";
import { handlerOn, outageOnce, storedRows } from "../helpers/batch_handler_fixture.ts";
import { quietLog } from "../helpers/dashboard_app.ts";

Deno.test("a trade the database refuses is dead-lettered and the rest of its batch stored", async () => {
  const db = await createTestDatabase();
  try {
    // A constraint the validation does not know stands in for any value PostgreSQL refuses.
    await db.sql`alter table trades add constraint price_below_1000 check (price < 1000)`;
    const letters: DeadLetter[] = [];
    const handler = handlerOn(db.sql, letters);
    const batch = [tradeEvent(1, "10"), tradeEvent(2, "5000"), tradeEvent(3, "30")];
    await handler.accept(
      kafkaMessages([...batch.map(encodeTradeEvent), "garbage"]),
      BATCH_CONTEXT,
    )();
    const rows = await db.sql`select trade_id::int, moving_average::text from trades order by 1`;
    assert.deepEqual(rows.map((r) => [r.trade_id, r.moving_average]), [[1, "10.00000000"], [
      3,
      "20.00000000",
    ]]);
    assert.deepEqual(letters.map((l) => [l.source?.offset, l.reason.slice(0, 26)]), [
      ["3", "value is not JSON"],
      ["1", "database refused the trade"],
    ]);
    assert.deepEqual(
      { ...handler.stats, lastReceivedAt: 0 },
      {
        consumed: 4,
        stored: 2,
        duplicates: 0,
        deadLettered: 2,
        whales: 0,
        priceAlerts: 0,
        priceRuleFaults: 0,
        batches: 1,
        databaseErrors: 0,
        lastReceivedAt: 0,
      },
    );
  } finally {
    await db.drop();
  }
});

Deno.test("a batch waiting for PostgreSQL is abandoned on shutdown, uncommitted", async () => {
  const database = new DatabasePool("postgres://postgres@127.0.0.1:1/nowhere", {
    connectTimeout: 1,
  });
  let stop = false;
  const handler = createBatchHandler({
    database,
    windowSize: 2,
    whaleThreshold: "1",
    log: quietLog,
    sendDeadLetters: () => Promise.resolve(),
  });
  try {
    const pending = handler.accept(kafkaMessages([encodeTradeEvent(tradeEvent(1, "1"))]), {
      ...BATCH_CONTEXT,
      heartbeat: () => Promise.resolve(void (stop = true)),
      shouldStop: () => stop,
    })();
    await assert.rejects(pending, (error) => error instanceof BatchAbandoned);
    assert.equal(handler.stats.stored, 0);
    assert.ok(handler.stats.databaseErrors >= 1);
  } finally {
    await database.end(1);
  }
});

Deno.test("a batch stored trade by trade and cut by an outage is not stored or dead-lettered twice", async () => {
  const db = await createTestDatabase();
  try {
    await db.sql`alter table trades add constraint price_below_1000 check (price < 1000)`;
    // The first time trade 3 is inserted, the database fails as an outage would.
    await outageOnce(db.sql, "new.trade_id = 3");
    const letters: DeadLetter[] = [];
    let renewed = 0;
    const handler = handlerOn(db.sql, letters, () => void renewed++);
    const batch = [tradeEvent(1, "10"), tradeEvent(2, "5000"), tradeEvent(3, "30")];
    await handler.accept(kafkaMessages(batch.map(encodeTradeEvent)), BATCH_CONTEXT)();
    const rows = await db.sql`select trade_id::int, moving_average::text from trades order by 1`;
    assert.deepEqual(rows.map((r) => [r.trade_id, r.moving_average]), [[1, "10.00000000"], [
      3,
      "20.00000000",
    ]]);
    assert.deepEqual(letters.map((l) => [l.source?.offset, l.reason.slice(0, 26)]), [
      ["1", "database refused the trade"],
    ]);
    assert.equal(renewed, 1, "the pool was renewed after the failure");
    assert.deepEqual(
      { ...handler.stats, lastReceivedAt: 0 },
      {
        consumed: 3,
        stored: 2,
        duplicates: 0,
        deadLettered: 1,
        whales: 0,
        priceAlerts: 0,
        priceRuleFaults: 0,
        batches: 1,
        databaseErrors: 1,
        lastReceivedAt: 0,
      },
    );
  } finally {
    await db.drop();
  }
});

Deno.test("an attempt past its deadline is retried, and what it stores late counts once", async () => {
  const db = await createTestDatabase();
  try {
    // The first BTCUSDT insert waits a second: the attempt misses its 300 ms deadline while
    // its ETHUSDT lane commits; the retry stores BTCUSDT and finds ETHUSDT already there.
    await db.sql`create sequence slow_once`;
    await db.sql.unsafe(`
      create function slow_once() returns trigger language plpgsql as $$
      begin
        if new.symbol = 'BTCUSDT' and nextval('slow_once') = 1 then perform pg_sleep(1); end if;
        return new;
      end $$;
      create trigger slow_once before insert on trades for each row execute function slow_once();
    `);
    const handler = createBatchHandler({
      database: { sql: db.sql, renew() {} },
      windowSize: 2,
      whaleThreshold: "100000",
      log: quietLog,
      sendDeadLetters: () => Promise.resolve(),
      storeTimeoutMs: 300,
    });
    const batch = [
      tradeEvent(1, "10"),
      tradeEvent(11, "7", "1", "ETHUSDT"),
      tradeEvent(2, "20"),
      tradeEvent(12, "9", "1", "ETHUSDT"),
    ];
    await handler.accept(kafkaMessages(batch.map(encodeTradeEvent)), BATCH_CONTEXT)();
    assert.deepEqual(await storedRows(db), [
      ["BTCUSDT", 1, "10.00000000"],
      ["BTCUSDT", 2, "15.00000000"],
      ["ETHUSDT", 11, "7.00000000"],
      ["ETHUSDT", 12, "8.00000000"],
    ]);
    const { stored, duplicates, databaseErrors } = handler.stats;
    assert.equal(databaseErrors, 1);
    assert.equal(stored + duplicates, 4, "every trade counted once, stored or duplicate");
    const [{ trade_count }] = await db.sql`
      select sum(trade_count)::int as trade_count from trade_aggregates
    `;
    assert.equal(trade_count, 4, "the aggregates count each trade once");
  } finally {
    await db.drop();
  }
});
