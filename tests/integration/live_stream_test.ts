/**
 * The live stream on a real database: a committed batch reaches stream clients through
 * LISTEN/NOTIFY, the listener comes back after its connection drops, and notifications that
 * arrive during an expansion are merged. The hub and stream alone: `tests/unit/live_hub_test.ts`.
 */
import assert from "node:assert/strict";
import { planBatch } from "../../domain/batch_plan.ts";
import { storeTrades } from "../../pipeline/trade_store.ts";
import { startLiveFeed } from "../../web/live_feed.ts";
import { liveEventStream } from "../../web/sse_stream.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import type { LiveEvent } from "../../domain/live_event.ts";
import { encodeTradeUpdates, TRADE_UPDATES_CHANNEL } from "../../domain/trade_updates.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";
import { readUntil } from "../helpers/stream_reading.ts";

Deno.test("a committed batch reaches stream clients through LISTEN/NOTIFY, whales with their id", async () => {
  const db = await createTestDatabase();
  const live = await startLiveFeed(db.sql, quietLog, { firstId: 1 });
  try {
    const app = dashboardApp({
      log: quietLog,
      sql: db.sql,
      symbols: SYMBOLS,
      live: live.hub,
    });
    const response = await app.fetch(new Request("http://dashboard/api/stream"));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    await readUntil(reader, (text) => text.includes(": connected"));

    const plan = planBatch(
      [tradeEvent(41, "50000", "3"), tradeEvent(42, "100", "1")],
      new Map(),
      5,
      "100000",
    );
    await storeTrades(db.sql, plan.rows, 5, plan.windowEnds);
    const text = await readUntil(reader, (t) => t.includes("event: whale"));
    assert.match(
      text,
      /id: 1\nevent: update\ndata: \{"symbol":"BTCUSDT","lastPrice":"100.00000000","lastTradeId":"42"/,
    );
    assert.match(
      text,
      /event: whale\ndata: \{"symbol":"BTCUSDT","tradeId":"41","price":"50000.00000000"/,
    );
    await reader.cancel();

    // A client coming back with the last id it saw gets what it missed, at once.
    const again = await app.fetch(
      new Request("http://dashboard/api/stream", { headers: { "last-event-id": "1" } }),
    );
    const againReader = again.body!.getReader();
    const missed = await readUntil(againReader, (t) => t.includes("event: whale"));
    assert.ok(!missed.includes("id: 1\n") && missed.includes("id: 2\n"), missed);
    await againReader.cancel();

    const bad = await app.fetch(new Request("http://dashboard/api/stream?since=yesterday"));
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), 'since: "yesterday" is not an event id\n');
    assert.equal(
      (await (await app.fetch(new Request("http://dashboard/healthz"))).json()).listener,
      "ok",
    );
  } finally {
    await live.stop();
    await db.drop();
  }
});

Deno.test("when the LISTEN connection drops, it comes back and clients are told to resync", async () => {
  const db = await createTestDatabase();
  const live = await startLiveFeed(db.sql, quietLog);
  try {
    const reader = liveEventStream({ hub: live.hub }).getReader();
    await readUntil(reader, (text) => text.includes(": connected"));
    const [{ killed }] = await db.sql`
      select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity
      where datname = current_database() and query ilike 'listen%'
    `;
    assert.equal(killed, 1, "the listener's backend was found and ended");
    const text = await readUntil(reader, (t) => t.includes("event: resync"), 15_000);
    assert.match(text, /"reason":"listener reconnected"/);
    assert.equal(live.hub.listening, true);
    // And it listens again: a new batch still arrives.
    const plan = planBatch([tradeEvent(1, "5")], new Map(), 2, "100000");
    await storeTrades(db.sql, plan.rows, 2, plan.windowEnds);
    await readUntil(reader, (t) => t.includes("event: update"), 10_000);
    await reader.cancel();
  } finally {
    await live.stop();
    await db.drop();
  }
});

Deno.test("notifications arriving during an expansion are merged into one, whales kept", async () => {
  const db = await createTestDatabase();
  const events = Array.from(
    { length: 300 },
    (_, i) => tradeEvent(i + 1, i % 30 === 0 ? "60000" : "100", "2"),
  );
  const plan = planBatch(events, new Map(), 5, "100000");
  await storeTrades(db.sql, plan.rows, 5, plan.windowEnds);
  const live = await startLiveFeed(db.sql, quietLog);
  try {
    const received: LiveEvent[] = [];
    live.hub.subscribe((frame) => received.push(...frame.events));
    // What 300 one-trade commits would send, delivered as one burst.
    await db.sql.begin(async (tx) => {
      for (const row of plan.rows) {
        const change = {
          symbol: row.symbol,
          inserted: 1,
          lastTradeId: row.tradeId,
          whaleTradeIds: row.isWhale ? [row.tradeId] : [],
        };
        await tx`select pg_notify(${TRADE_UPDATES_CHANNEL}, ${encodeTradeUpdates([change])})`;
      }
    });
    const deadline = Date.now() + 5_000;
    while (received.filter((e) => e.type === "whale").length < 10 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const updates = received.filter((e) => e.type === "update");
    const whales = received.filter((e) => e.type === "whale");
    assert.ok(updates.length <= 3, `300 notifications became ${updates.length} updates`);
    assert.equal(updates.at(-1)?.data.lastTradeId, "300", "the last update is the newest state");
    assert.deepEqual(
      whales.map((e) => e.data.tradeId),
      Array.from({ length: 10 }, (_, i) => String(i * 30 + 1)),
      "every whale once, in order",
    );
  } finally {
    await live.stop();
    await db.drop();
  }
});
