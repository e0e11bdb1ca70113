import assert from "node:assert/strict";
import { planBatch } from "../../domain/batch_plan.ts";
import { storeTrades } from "../../pipeline/trade_store.ts";
import { LiveHub } from "../../web/live_hub.ts";
import { startLiveFeed } from "../../web/live_feed.ts";
import { liveEventStream } from "../../web/sse_stream.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent, whaleView } from "../helpers/trade_fixture.ts";
import type { SymbolSummary } from "../../domain/dashboard_views.ts";
import type { LiveEvent } from "../../domain/live_event.ts";
import { encodeTradeUpdates, TRADE_UPDATES_CHANNEL } from "../../domain/trade_updates.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";

const decoder = new TextDecoder();

/** Reads `stream` until `done` holds for the text so far, or fails after `timeoutMs`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (text: string) => boolean,
  timeoutMs = 5_000,
): Promise<string> {
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (!done(text)) {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no match in ${JSON.stringify(text)}`)),
        deadline - Date.now(),
      )
    );
    const { value, done: ended } = await Promise.race([reader.read(), timeout]);
    if (ended) throw new Error(`stream ended: ${text}`);
    text += decoder.decode(value);
  }
  return text;
}

/** A symbol's figures as an `update` event carries them. */
function summary(symbol: string, lastPrice: string): SymbolSummary {
  return {
    symbol,
    lastPrice,
    lastTradeId: "1",
    lastTradeTime: "2026-01-01T00:00:00.000Z",
    movingAverage: lastPrice,
    tradeCount: "1",
    totalVolume: "1",
    whaleCount: "0",
  };
}

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

/** Until the frame being gathered has gone out. */
const frameSent = () => new Promise((resolve) => setTimeout(resolve, 10));

Deno.test("a slow client gets the newest update per symbol, and a resync past its bound", async () => {
  const hub = new LiveHub({ frameMs: 1 });
  const stream = liveEventStream({ hub, maxWaiting: 5, heartbeatMs: 60_000 });
  const reader = stream.getReader();
  await reader.read(); // the greeting; then it reads nothing while frames arrive
  for (let i = 0; i < 1_000; i++) {
    hub.publish("update", summary("BTCUSDT", String(i)));
    if (i % 100 === 0) await frameSent();
  }
  hub.publish("update", summary("ETHUSDT", "1"));
  await frameSent();
  const text = decoder.decode((await reader.read()).value);
  assert.equal(text.match(/event: update/g)?.length, 2, text);
  assert.match(text, /"lastPrice":"999"/);
  for (let i = 0; i < 6; i++) {
    hub.publish("whale", whaleView(String(i)));
    await frameSent();
  }
  const flooded = decoder.decode((await reader.read()).value);
  assert.match(flooded, /^id: \d+\nevent: resync\ndata: \{"reason":"client too slow"\}\n\n$/);
  await reader.cancel();
  assert.equal(hub.clients, 0, "a closed stream unsubscribes");
});

Deno.test("events of one frame go out in one write, each lone event within the frame", async () => {
  const hub = new LiveHub({ frameMs: 40, firstId: 1 });
  const reader = liveEventStream({ hub, heartbeatMs: 60_000 }).getReader();
  await reader.read();
  // Within one frame: the whale and the two symbols' newest updates, together.
  const started = performance.now();
  hub.publish("update", summary("BTCUSDT", "1"));
  hub.publish("whale", whaleView("7"));
  await new Promise((resolve) => setTimeout(resolve, 15));
  hub.publish("update", summary("ETHUSDT", "2"));
  hub.publish("update", summary("BTCUSDT", "3"));
  const { value } = await reader.read();
  const waited = performance.now() - started;
  assert.deepEqual(
    [...decoder.decode(value).matchAll(/id: (\d+)\nevent: (\w+)/g)].map((m) => `${m[1]} ${m[2]}`),
    ["2 whale", "3 update", "4 update"],
    "the frame keeps the newest update of each symbol, in order",
  );
  assert.ok(waited >= 35, `the frame was held ${waited.toFixed(1)} ms`);
  // A lone event waits for its frame, no longer.
  const lone = performance.now();
  hub.publish("whale", whaleView("8"));
  assert.match(decoder.decode((await reader.read()).value), /^id: 5\nevent: whale\n/);
  const loneMs = performance.now() - lone;
  assert.ok(loneMs >= 35 && loneMs < 500, `a lone event took ${loneMs.toFixed(1)} ms`);
  await reader.cancel();
});

Deno.test("no event twice: caught up while its frame waits, or sent again by a hub behind", async () => {
  const hub = new LiveHub({ frameMs: 20, firstId: 1 });
  hub.publish("whale", whaleView("1"));
  hub.flush();
  hub.publish("whale", whaleView("2")); // its frame is not sent yet
  const reader = liveEventStream({ hub, lastEventId: 1, heartbeatMs: 60_000 }).getReader();
  await reader.read();
  const text = await readUntil(reader, (t) => t.includes("id: 2\n"));
  hub.publish("whale", whaleView("3"));
  const more = text + await readUntil(reader, (t) => t.includes("id: 3\n"));
  assert.deepEqual([...more.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]), ["2", "3"]);
  await reader.cancel();

  // A client that saw event 5 from another worker, on a hub that has sent up to 3: 4 and 5
  // come again here, and only 6 is new to it.
  const ahead = liveEventStream({ hub, lastEventId: 5, heartbeatMs: 60_000 }).getReader();
  await ahead.read();
  for (const id of ["4", "5", "6"]) hub.publish("whale", whaleView(id));
  const after = await readUntil(ahead, (t) => t.includes("id: 6\n"));
  assert.deepEqual([...after.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]), ["6"]);
  await ahead.cancel();
});

Deno.test("a closed hub ends its streams: cut for one not reading, at once for one opened later", async () => {
  const hub = new LiveHub({ frameMs: 1, firstId: 1 });
  const reading = liveEventStream({ hub, heartbeatMs: 60_000 }).getReader();
  await reading.read();
  const pending = reading.read(); // asking for more
  const idle = liveEventStream({ hub, heartbeatMs: 60_000, stopGraceMs: 50 }).getReader();
  await idle.read(); // and then reads no more
  hub.publish("whale", whaleView("1"));
  hub.close();
  assert.match(decoder.decode((await pending).value), /^id: 1\nevent: whale\n/);
  assert.equal((await reading.read()).done, true, "the reading client's stream ends");
  await new Promise((resolve) => setTimeout(resolve, 80));
  await assert.rejects(idle.read(), /the dashboard is stopping/);
  const late = liveEventStream({ hub }).getReader();
  await late.read(); // the greeting
  assert.equal((await late.read()).done, true, "a stream opened after the close ends at once");
  assert.equal(hub.clients, 0);
});

Deno.test("a client too far behind is told to resync", async () => {
  const hub = new LiveHub({ firstId: 1 });
  for (let i = 0; i < 2_100; i++) hub.publish("whale", whaleView(String(i)));
  hub.flush();
  assert.equal(hub.since(5), undefined);
  assert.equal(hub.since(2_000)?.length, 100);
  const reader = liveEventStream({ hub, lastEventId: 5 }).getReader();
  await reader.read();
  assert.match(decoder.decode((await reader.read()).value), /event: resync/);
  await reader.cancel();
});

Deno.test("only the newest panel of each kind is kept for a client catching up", () => {
  const hub = new LiveHub({ firstId: 1 });
  hub.publish("update", summary("BTCUSDT", "1"));
  for (let i = 0; i < 3; i++) hub.publish("price_alerts", { rules: [], alerts: [] });
  hub.publish("update", summary("ETHUSDT", "2"));
  hub.flush();
  assert.deepEqual(hub.since(0)?.map((e) => [e.id, e.type]), [
    [1, "update"],
    [4, "price_alerts"],
    [5, "update"],
  ]);
  assert.deepEqual(hub.since(2)?.map((e) => e.id), [4, 5], "the panels replaced are not missed");
});

Deno.test("heartbeats keep an idle stream open", async () => {
  const reader = liveEventStream({ hub: new LiveHub(), heartbeatMs: 50 }).getReader();
  await reader.read();
  assert.equal(decoder.decode((await reader.read()).value), ": heartbeat\n\n");
  await reader.cancel();
});

Deno.test("a client that stops reading is disconnected, not buffered for", async () => {
  const hub = new LiveHub({ frameMs: 1 });
  const reader = liveEventStream({ hub, idleLimitMs: 50, heartbeatMs: 60_000 }).getReader();
  await reader.read(); // the greeting; then the client reads no more
  hub.publish("whale", whaleView("1"));
  await new Promise((resolve) => setTimeout(resolve, 80));
  hub.publish("whale", whaleView("2"));
  await frameSent();
  assert.equal(hub.clients, 0);
  await assert.rejects(reader.read(), /client stopped reading/);
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
