/**
 * The live hub and the per-client stream on their own, without a database: frames, slow and
 * idle clients, catch-up, no event twice, and the hub's close.
 */
import assert from "node:assert/strict";
import { LiveHub } from "../../web/live_hub.ts";
import { liveEventStream } from "../../web/sse_stream.ts";
import { whaleView } from "../helpers/trade_fixture.ts";
import { readUntil } from "../helpers/stream_reading.ts";
import type { SymbolSummary } from "../../domain/dashboard_views.ts";

const decoder = new TextDecoder();

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
