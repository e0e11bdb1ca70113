/**
 * The chart's view: its interval follows the zoom, a zoom keeps it live, an interval chosen, and
 * the view as a link.
 */
import assert from "node:assert/strict";
import {
  defaultView,
  intervalForSpan,
  linkedView,
  linkQuery,
  movedView,
  shownRange,
  withInterval,
} from "../../ui/chart_view.ts";
import { emptyBook } from "../../ui/candle_book.ts";

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;
const NOW = Date.parse("2026-12-04T12:00:00Z");

Deno.test("the interval follows the zoom so a view holds at most 5,000 candles", () => {
  assert.equal(intervalForSpan(5_000 * SECOND, "1s"), "1s");
  assert.equal(intervalForSpan(5_001 * SECOND, "1s"), "1m");
  assert.equal(intervalForSpan(10 * 24 * HOUR, "1s"), "5m", "10 days: 2,880 five minutes");
  assert.equal(intervalForSpan(30 * 24 * HOUR, "1s"), "1h", "30 days: 8,640 five minutes");
  assert.equal(intervalForSpan(10 * SECOND, "1h"), "1h", "never finer than chosen");
  assert.equal(intervalForSpan(100 * 365 * 24 * HOUR, "1m"), "1d", "at most the coarsest");
});

Deno.test("a live view zoomed stays live with the new width; a pan shows the range", () => {
  const live = defaultView("BTCUSDT");
  const range = { from: NOW - HOUR, to: NOW };
  assert.deepEqual(movedView(live, range, "zoom"), { ...live, span: HOUR });
  assert.deepEqual(movedView(live, range, "pan"), { ...live, range, span: HOUR });
  const wide = { from: NOW - 10 * 24 * HOUR, to: NOW };
  assert.deepEqual(movedView(live, wide, "pan"), {
    ...live,
    interval: "5m",
    range: wide,
    span: 10 * 24 * HOUR,
  });
});

Deno.test("a live view ends where the candles read end, or at now before any is held", () => {
  const live = defaultView("BTCUSDT");
  assert.deepEqual(shownRange(live, emptyBook("BTCUSDT", "1m"), NOW), {
    from: NOW + 60 * SECOND - live.span,
    to: NOW + 60 * SECOND,
  });
  const book = { ...emptyBook("BTCUSDT", "1m"), readFrom: NOW - HOUR, readTo: NOW - 5 * SECOND };
  assert.deepEqual(shownRange(live, book, NOW), {
    from: NOW - 5 * SECOND - live.span,
    to: NOW - 5 * SECOND,
  });
  const past = { ...live, range: { from: 1, to: 2 } };
  assert.deepEqual(shownRange(past, book, NOW), { from: 1, to: 2 });
});

Deno.test("an interval chosen: live shows 120 of it, a range keeps its middle within bounds", () => {
  const live = defaultView("BTCUSDT");
  assert.deepEqual(withInterval(live, "1s"), { ...live, interval: "1s", span: 120 * SECOND });
  const past = { ...live, range: { from: NOW - 30 * 24 * HOUR, to: NOW } };
  const fine = withInterval(past, "1s");
  const middle = NOW - 15 * 24 * HOUR;
  assert.deepEqual(fine.range, { from: middle - 2_500 * SECOND, to: middle + 2_500 * SECOND });
  const narrow = withInterval({ ...live, range: { from: NOW - SECOND, to: NOW } }, "1h");
  assert.deepEqual(narrow.range, {
    from: NOW - SECOND / 2 - 5 * HOUR,
    to: NOW - SECOND / 2 + 5 * HOUR,
  });
});

Deno.test("a link's query holds the view and theme, and opens the same view", () => {
  const symbols = ["BTCUSDT", "ETHUSDT"];
  const past = {
    ...defaultView("ETHUSDT"),
    interval: "5m" as const,
    span: 120 * 300 * SECOND,
    range: { from: Date.parse("2026-12-01T10:00:00Z"), to: Date.parse("2026-12-01T20:00:00Z") },
    indicators: "ema:20,rsi:14",
  };
  const query = linkQuery({ view: past, theme: "dark" });
  assert.equal(
    query,
    "symbol=ETHUSDT&interval=5m&from=2026-12-01T10:00:00.000Z&to=2026-12-01T20:00:00.000Z" +
      "&ind=ema:20,rsi:14&theme=dark",
  );
  assert.deepEqual(linkedView(new URLSearchParams(query), symbols, "BTCUSDT"), {
    view: past,
    theme: "dark",
  });
  const live = { ...defaultView("BTCUSDT"), span: 30 * 60 * SECOND };
  assert.equal(linkQuery({ view: live }), "symbol=BTCUSDT&interval=1m&span=1800");
  assert.deepEqual(linkedView(new URLSearchParams(linkQuery({ view: live })), symbols, "ETHUSDT"), {
    view: live,
    theme: undefined,
  });
});

Deno.test("a link's parts that are bad fall back, one by one, and never throw", () => {
  const symbols = ["BTCUSDT", "ETHUSDT"];
  const open = (query: string) => linkedView(new URLSearchParams(query), symbols, "BTCUSDT");
  assert.deepEqual(open(""), { view: defaultView("BTCUSDT"), theme: undefined });
  assert.deepEqual(
    open("symbol=DOGEUSDT&interval=7m&ind=ema:abc&theme=pink&span=1"),
    { view: defaultView("BTCUSDT"), theme: undefined },
  );
  assert.equal(open("symbol=ethusdt").view.symbol, "ETHUSDT", "any case");
  assert.equal(open("from=2026-12-01T00:00:00Z").view.range, "live", "a range needs both ends");
  const wide = open("interval=1s&from=0&to=86400000").view;
  assert.deepEqual([wide.interval, wide.range], ["1m", { from: 0, to: 86_400_000 }]);
  assert.equal(open("ind=ema,ema:20,rsi").view.indicators, "ema:20,rsi:14", "keys written out");
});
