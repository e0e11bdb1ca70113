import assert from "node:assert/strict";
import { createTestDatabase } from "../helpers/test_database.ts";
import { planBatch } from "../../domain/batch_plan.ts";
import { storeTrades } from "../../pipeline/trade_store.ts";
import { loadWindows } from "../../pipeline/stored_averages.ts";
import { TRADE_UPDATES_CHANNEL } from "../../domain/trade_updates.ts";
import type { MovingWindow } from "../../domain/moving_window.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";
import { tradeEvent as trade } from "../helpers/trade_fixture.ts";
import type { Sql } from "../../runtime/database.ts";
import { assertMigrated, migrate } from "../../db/migrations.ts";

const WINDOW = 3;
const THRESHOLD = "1000";

async function store(
  sql: Sql,
  windows: Map<string, MovingWindow>,
  events: TradeEvent[],
  window = WINDOW,
) {
  const plan = planBatch(events, windows, window, THRESHOLD);
  return await storeTrades(sql, plan.rows, window, plan.windowEnds);
}

async function tradesOf(sql: Sql) {
  return await sql`
    select trade_id::int, price::text, moving_average::text, trade_value::text, is_whale_trade,
      is_buyer_maker, (extract(epoch from trade_time) * 1000)::bigint::text as ms
    from trades order by symbol, trade_id
  `;
}

Deno.test("a batch stores trades, their averages and the aggregate in numeric", async () => {
  const db = await createTestDatabase();
  try {
    const windows = new Map();
    const result = await store(db.sql, windows, [
      trade(1, "10.5", "100"),
      trade(2, "20.25", "0.5"),
      trade(3, "30", "2"),
    ]);
    assert.deepEqual(result.changes, [{
      symbol: "BTCUSDT",
      inserted: 3,
      lastTradeId: 3,
      whaleTradeIds: [1],
    }]);
    const rows = await tradesOf(db.sql);
    assert.deepEqual(
      rows.map((r) => [r.trade_id, r.price, r.moving_average, r.trade_value, r.is_whale_trade]),
      [
        [1, "10.50000000", "10.50000000", "1050.00", true],
        [2, "20.25000000", "15.37500000", "10.13", false],
        [3, "30.00000000", "20.25000000", "60.00", false],
      ],
    );
    assert.equal(rows[0].ms, "1732000000001", "trade time keeps its milliseconds");
    const [aggregate] = await db.sql`select * from trade_aggregates`;
    assert.equal(aggregate.trade_count, "3");
    assert.equal(aggregate.total_volume, "102.50000000");
    assert.equal(aggregate.moving_average, "20.25000000");
  } finally {
    await db.drop();
  }
});

Deno.test("a duplicate trade is stored once and counted once", async () => {
  const db = await createTestDatabase();
  try {
    await store(db.sql, new Map(), [trade(1, "10"), trade(2, "20")]);
    // A restarted consumer re-reads the same batch with windows restored from the database.
    const restored = await loadWindows(db.sql, WINDOW);
    const again = await store(db.sql, restored, [trade(1, "10"), trade(2, "20"), trade(3, "30")]);
    assert.deepEqual(again.changes.map((c) => c.inserted), [1]);
    assert.deepEqual(again.late, []);
    const [aggregate] = await db
      .sql`select trade_count::int, total_volume::text, moving_average::text from trade_aggregates`;
    assert.deepEqual({ ...aggregate }, {
      trade_count: 3,
      total_volume: "3.00000000",
      moving_average: "20.00000000",
    });
    assert.deepEqual((await tradesOf(db.sql)).map((r) => r.moving_average), [
      "10.00000000",
      "15.00000000",
      "20.00000000",
    ]);
  } finally {
    await db.drop();
  }
});

Deno.test("the consumer resumes its moving average from the database after a restart", async () => {
  const db = await createTestDatabase();
  try {
    await store(db.sql, new Map(), [trade(1, "1"), trade(2, "2"), trade(3, "3")]);
    const restored = await loadWindows(db.sql, WINDOW);
    await store(db.sql, restored, [trade(4, "4")]);
    assert.equal((await tradesOf(db.sql)).at(-1)?.moving_average, "3.00000000");
  } finally {
    await db.drop();
  }
});

Deno.test("a late trade leaves the same averages as an in-order run", async () => {
  const late = await createTestDatabase();
  const inOrder = await createTestDatabase();
  try {
    const prices = ["1", "2.5", "4", "8", "16.125", "32"];
    const all = prices.map((p, i) => trade(i + 1, p, "1"));
    await store(inOrder.sql, new Map(), all);
    const windows = new Map();
    await store(late.sql, windows, all.filter((t) => t.tradeId !== 3));
    const result = await store(late.sql, windows, [trade(3, "4"), trade(7, "1")]);
    assert.deepEqual(result.late, ["BTCUSDT"]);
    await store(inOrder.sql, await loadWindows(inOrder.sql, WINDOW), [trade(7, "1")]);
    assert.deepEqual(await tradesOf(late.sql), await tradesOf(inOrder.sql));
    const aggregates = (sql: Sql) =>
      sql`select symbol, moving_average, trade_count, total_volume, last_trade_id from trade_aggregates`;
    assert.deepEqual(await aggregates(late.sql), await aggregates(inOrder.sql));
  } finally {
    await late.drop();
    await inOrder.drop();
  }
});

Deno.test("a late trade's recomputed averages are exact even over a wide window", async () => {
  // PostgreSQL's own numeric division keeps few decimals for a large sum; rounding that again
  // to 8 would give 670000.00000001 here instead of the exact 670000.00000000.
  const window = 20_000;
  const late = await createTestDatabase();
  const inOrder = await createTestDatabase();
  try {
    const all = Array.from(
      { length: window },
      (_, i) => trade(i + 1, i + 1 === window ? "670000.00009999" : "670000", "0.001"),
    );
    await store(inOrder.sql, new Map(), all, window);
    const windows = new Map();
    await store(late.sql, windows, all.filter((t) => t.tradeId !== 5), window);
    assert.deepEqual((await store(late.sql, windows, [all[4]], window)).late, ["BTCUSDT"]);
    const last = async (sql: Sql) =>
      (await sql`select moving_average::text from trades where trade_id = ${window}`)[0]
        .moving_average;
    assert.equal(await last(late.sql), "670000.00000000");
    assert.equal(await last(inOrder.sql), "670000.00000000");
  } finally {
    await late.drop();
    await inOrder.drop();
  }
});

Deno.test("each committed batch sends one NOTIFY with what changed", async () => {
  const db = await createTestDatabase();
  try {
    const received: string[] = [];
    const listener = await db.sql.listen(
      TRADE_UPDATES_CHANNEL,
      (payload) => received.push(payload),
    );
    await store(db.sql, new Map(), [trade(1, "600", "2"), trade(1, "100", "1", "ETHUSDT")]);
    await store(db.sql, await loadWindows(db.sql, WINDOW), [trade(1, "600", "2")]);
    // A marker sent last: once it arrives, any NOTIFY of the batches above has arrived too.
    await db.sql`select pg_notify(${TRADE_UPDATES_CHANNEL}, 'marker')`;
    for (let i = 0; i < 100 && received.at(-1) !== "marker"; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await listener.unlisten();
    assert.equal(received.pop(), "marker");
    assert.equal(received.length, 1, "a batch of duplicates notifies nobody");
    assert.deepEqual(JSON.parse(received[0]), {
      v: 1,
      symbols: [
        { symbol: "BTCUSDT", inserted: 1, lastTradeId: 1, whaleTradeIds: [1] },
        { symbol: "ETHUSDT", inserted: 1, lastTradeId: 1, whaleTradeIds: [] },
      ],
    });
  } finally {
    await db.drop();
  }
});

Deno.test("migrations apply once and the consumer's schema check passes after them", async () => {
  const db = await createTestDatabase();
  try {
    assert.deepEqual(await migrate(db.sql), [], "already applied by the helper");
    await assertMigrated(db.sql);
    await db.sql`drop table schema_migrations`;
    await assert.rejects(assertMigrated(db.sql), (error) => {
      assert.equal((error as { code?: string }).code, "SCHEMA_BEHIND");
      return true;
    });
  } finally {
    await db.drop();
  }
});
