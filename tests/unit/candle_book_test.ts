/** Which candles the chart reads next, and how reads join what it holds. */
import assert from "node:assert/strict";
import type { Candle } from "../../domain/dashboard_views.ts";
import {
  type CandleBook,
  emptyBook,
  MAX_HELD,
  mergeCandles,
  newestRead,
  nextRead,
  withRead,
} from "../../ui/candle_book.ts";

const MINUTE = 60_000;
const NOW = Date.parse("2026-12-04T12:00:00Z");

const candle = (at: number, close = "1"): Candle => ({
  time: new Date(at).toISOString(),
  open: "1",
  high: "1",
  low: "1",
  close,
  volume: "1",
  buyVolume: "1",
  sellVolume: "0",
  quoteVolume: "1",
  trades: 1,
  vwap: "1",
  movingAverage: "1",
});

/** A book of BTCUSDT's 1-minute candles read over `[from, to)`, one candle per minute. */
function bookOf(from: number, to: number): CandleBook {
  const candles = [];
  for (let at = from; at < to; at += MINUTE) candles.push(candle(at));
  return { symbol: "BTCUSDT", interval: "1m", candles, readFrom: from, readTo: to };
}

Deno.test("a new view reads what it shows with half a view on each side, up to now", () => {
  const view = { from: NOW - 120 * MINUTE, to: NOW + MINUTE };
  const read = nextRead(emptyBook("BTCUSDT", "1m"), "BTCUSDT", "1m", view, NOW);
  assert.deepEqual(read, {
    symbol: "BTCUSDT",
    interval: "1m",
    kind: "fresh",
    from: view.from - 60.5 * MINUTE,
    to: NOW + MINUTE,
  });
});

Deno.test("moving into the past reads older candles, ending where the book starts", () => {
  const book = bookOf(NOW - 180 * MINUTE, NOW + MINUTE);
  const view = { from: NOW - 240 * MINUTE, to: NOW - 120 * MINUTE };
  const read = nextRead(book, "BTCUSDT", "1m", view, NOW)!;
  assert.equal(read.kind, "older");
  assert.equal(read.to, book.readFrom);
  assert.equal(read.from, view.from - 60 * MINUTE);
  assert.equal(
    nextRead(book, "BTCUSDT", "1m", { from: NOW - 60 * MINUTE, to: NOW }, NOW),
    undefined,
  );
});

Deno.test("a jump, another symbol or another interval starts afresh", () => {
  const book = bookOf(NOW - 180 * MINUTE, NOW + MINUTE);
  const far = { from: NOW - 30 * 24 * 60 * MINUTE, to: NOW - 30 * 24 * 60 * MINUTE + 60 * MINUTE };
  assert.equal(nextRead(book, "BTCUSDT", "1m", far, NOW)?.kind, "fresh");
  const near = { from: NOW - 60 * MINUTE, to: NOW };
  assert.equal(nextRead(book, "ETHUSDT", "1m", near, NOW)?.kind, "fresh");
  assert.equal(nextRead(book, "BTCUSDT", "5m", near, NOW)?.kind, "fresh");
});

Deno.test("no read asks for more candles than one answer holds", () => {
  const view = { from: NOW - 10_000 * MINUTE, to: NOW };
  const fresh = nextRead(emptyBook("BTCUSDT", "1m"), "BTCUSDT", "1m", view, NOW)!;
  assert.ok((fresh.to - fresh.from) / MINUTE < 5_000, `${(fresh.to - fresh.from) / MINUTE}`);
  const book = bookOf(NOW - 100 * MINUTE, NOW);
  const older = nextRead(book, "BTCUSDT", "1m", view, NOW)!;
  assert.equal(older.kind, "older");
  assert.ok((older.to - older.from) / MINUTE < 5_000);
});

Deno.test("the newest read starts at the newest candle, which may still grow", () => {
  const book = bookOf(NOW - 10 * MINUTE, NOW - 2 * MINUTE);
  assert.deepEqual(newestRead(book, NOW), {
    symbol: "BTCUSDT",
    interval: "1m",
    kind: "newer",
    from: NOW - 3 * MINUTE,
    to: NOW + MINUTE,
  });
  const silent = bookOf(NOW - 10_000 * MINUTE, NOW - 9_000 * MINUTE);
  assert.equal(newestRead(silent, NOW).kind, "fresh", "after a long silence, afresh");
});

Deno.test("reads join the book: newer replace the growing candle, older go first", () => {
  const book = bookOf(NOW - 3 * MINUTE, NOW);
  const newer = withRead(
    book,
    { symbol: "BTCUSDT", interval: "1m", kind: "newer", from: NOW - MINUTE, to: NOW + MINUTE },
    [candle(NOW - MINUTE, "2"), candle(NOW, "3")],
  );
  assert.deepEqual(newer.candles.map((c) => c.close), ["1", "1", "2", "3"]);
  assert.equal(newer.readTo, NOW + MINUTE);
  const older = withRead(
    newer,
    {
      symbol: "BTCUSDT",
      interval: "1m",
      kind: "older",
      from: NOW - 5 * MINUTE,
      to: NOW - 3 * MINUTE,
    },
    [candle(NOW - 5 * MINUTE, "0")],
  );
  assert.deepEqual(older.candles.map((c) => c.close), ["0", "1", "1", "2", "3"]);
  assert.equal(older.readFrom, NOW - 5 * MINUTE);
  const elsewhere = withRead(
    emptyBook("ETHUSDT", "1m"),
    { symbol: "BTCUSDT", interval: "1m", kind: "newer", from: NOW, to: NOW + MINUTE },
    [candle(NOW)],
  );
  assert.deepEqual(elsewhere, emptyBook("ETHUSDT", "1m"), "a read for another book is dropped");
});

Deno.test("past the most held, newer candles push out the oldest", () => {
  const book = bookOf(NOW - MAX_HELD * MINUTE, NOW);
  const read = {
    symbol: "BTCUSDT",
    interval: "1m",
    kind: "newer",
    from: NOW,
    to: NOW + 2 * MINUTE,
  } as const;
  const next = withRead(book, read, [candle(NOW), candle(NOW + MINUTE)]);
  assert.equal(next.candles.length, MAX_HELD);
  assert.equal(next.readFrom, NOW - (MAX_HELD - 2) * MINUTE);
  assert.equal(next.candles.at(-1)!.time, new Date(NOW + MINUTE).toISOString());
});

Deno.test("merging keeps time order and lets a fresh candle replace a held one", () => {
  const held = [candle(0, "a"), candle(MINUTE, "b"), candle(3 * MINUTE, "c")];
  const merged = mergeCandles(held, [candle(MINUTE, "B"), candle(2 * MINUTE, "x")]);
  assert.deepEqual(merged.map((c) => c.close), ["a", "B", "x", "c"]);
  assert.deepEqual(mergeCandles(held, []), held);
  assert.deepEqual(mergeCandles([], held), held);
});
