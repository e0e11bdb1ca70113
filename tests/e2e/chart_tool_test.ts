/// <reference lib="dom" />
/**
 * The chart as a tool, in Chromium on 26 hours of history: whale trades and a rule's alerts marked
 * as the API answers the page's reads and its level drawn, the crosshair's readout equal to the
 * candle `/api/candles` has under the pointer, the keyboard moving it, the wheel narrowing the view,
 * drags into the past reading older candles without moving the view and the price axis fitting
 * them, "Back to live" returning to the newest, an interval chosen and a zoom out taking a coarser
 * one. Indicators and links are `chart_link_test.ts`'s.
 */
import assert from "node:assert/strict";
import type { Candle } from "../../domain/dashboard_views.ts";
import { formatDecimal } from "../../ui/format.ts";
import { ARTIFACTS } from "../helpers/browser.ts";
import { startScreen } from "../helpers/screen_fixture.ts";
import { waitFor } from "../helpers/wait.ts";
import {
  CANVAS,
  chartPoint,
  drag,
  newestTime,
  pressedInterval,
  shownView,
} from "../helpers/chart_page.ts";

Deno.test({
  name: "the chart: crosshair readout, wheel zoom, drag into the past, back to live, intervals",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using screen = await startScreen("chart-tool-dashboard");
    const page = await screen.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.stack ?? e.message));
    const candleReads: URL[] = [];
    const markReads: URL[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/candles") candleReads.push(url);
      if (["/api/whales", "/api/price-alerts"].includes(url.pathname)) markReads.push(url);
    });
    await page.goto(screen.url);
    await page.waitForSelector(`${CANVAS}[data-newest]`);
    assert.equal(await pressedInterval(page), "1m");
    const opened = await shownView(page);
    assert.equal(opened.to - opened.from, 120 * 60_000, "120 one-minute candles");
    // Whale trades and the rule's alerts marked as the API answers the page's reads, the rule's
    // level drawn; whale marks go when unchecked.
    const marks = () => page.getAttribute(CANVAS, "data-marks");
    const answered = async (path: string, list: string) => {
      const read = markReads.findLast((url) => url.pathname === path)!;
      return (await (await fetch(`${screen.url}${path.slice(1)}${read.search}`)).json())[list]
        .length;
    };
    await waitFor("the marks", async () => /alerts [1-9]/.test((await marks()) ?? ""));
    const [whales, alerts] = [
      await answered("/api/whales", "whales"),
      await answered("/api/price-alerts", "alerts"),
    ];
    assert.ok(whales > 0, "whale trades in view");
    assert.equal(await marks(), `whales ${whales} alerts ${alerts} levels 1`);
    await page.uncheck(".whale-marks input");
    await waitFor("no whale marks", async () => (await marks())!.startsWith("whales 0 "));
    await page.check(".whale-marks input");
    const box = (await page.locator(CANVAS).boundingBox())!;
    const at = await chartPoint(page);

    // The crosshair's readout is the candle under the pointer, as the API has it.
    await page.mouse.move(...at(0.5, 0.4));
    await page.waitForSelector('.readout[data-pointed="true"]');
    const time = (await page.getAttribute(".readout", "data-time"))!;
    const [left, right] = (await page.getAttribute(CANVAS, "data-plot"))!.split(" ").map(Number);
    const pointedAt = opened.from +
      (opened.to - opened.from) * (box.width * 0.5 - left) / (right - left);
    assert.ok(Math.abs(Date.parse(time) - pointedAt) < 3 * 60_000, `${time} near the pointer`);
    const answer = await fetch(
      `${screen.url}api/candles?symbol=BTCUSDT&interval=1m&from=${Date.parse(time)}` +
        `&to=${Date.parse(time) + 60_000}`,
    );
    const [candle]: Candle[] = (await answer.json()).candles;
    const readout = (await page.textContent(".readout"))!;
    const price = (amount: string) => formatDecimal(amount, 2);
    assert.ok(
      readout.includes(
        `O ${price(candle.open)} H ${price(candle.high)} L ${price(candle.low)} ` +
          `C ${price(candle.close)}`,
      ),
      readout,
    );
    assert.ok(readout.includes(`VWAP ${price(candle.vwap)}`), readout);

    // The keyboard moves the crosshair a candle at a time.
    await page.focus(CANVAS);
    await page.keyboard.press("ArrowLeft");
    await waitFor(
      "the readout to move back a candle",
      async () =>
        Date.parse((await page.getAttribute(".readout", "data-time"))!) < Date.parse(time),
    );

    // The wheel narrows the view; a live view stays live.
    await page.mouse.move(...at(0.8, 0.4));
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    await waitFor("the view to narrow", async () => {
      const view = await shownView(page);
      return view.to - view.from < (opened.to - opened.from) * 0.8;
    });
    assert.equal(await page.locator(".back-to-live").count(), 0, "still live");

    // Dragging into the past reads older candles; the view stays where it was dragged to.
    const oldestBefore = Date.parse((await page.getAttribute(CANVAS, "data-oldest"))!);
    const readsBefore = candleReads.length;
    const oldest = async () => Date.parse((await page.getAttribute(CANVAS, "data-oldest"))!);
    for (let drags = 0; drags < 8 && await oldest() >= oldestBefore; drags++) await drag(page, at);
    await page.waitForSelector(".back-to-live");
    const dragged = await shownView(page);
    await waitFor(
      "older candles",
      async () => Date.parse((await page.getAttribute(CANVAS, "data-oldest"))!) < oldestBefore,
    );
    const older = candleReads.slice(readsBefore);
    assert.ok(
      older.some((read) => Number(read.searchParams.get("to")) <= oldestBefore + 60_000),
      `a read of older candles: ${older.map((read) => read.search).join(", ")}`,
    );
    assert.ok(dragged.to < opened.to - 60 * 60_000, "an hour or more into the past");
    assert.deepEqual(await shownView(page), dragged, "the view did not jump");
    await page.screenshot({ path: `${ARTIFACTS}/chart-dragged-into-the-past.png` });
    // The price axis fits every candle shown.
    const shownCandles: Candle[] = (await (await fetch(
      `${screen.url}api/candles?symbol=BTCUSDT&interval=1m&from=${Math.floor(dragged.from)}` +
        `&to=${Math.ceil(dragged.to)}`,
    )).json()).candles;
    const highest = Math.max(...shownCandles.map((c) => Number(c.high)));
    const lowest = Math.min(...shownCandles.map((c) => Number(c.low)));
    await waitFor("the price axis to fit the candles shown", async () => {
      const [min, max] = (await page.getAttribute(CANVAS, "data-prices"))!.split(" ").map(Number);
      return min <= lowest && max >= highest && max - min < (highest - lowest) * 1.5;
    }, 5_000);

    // Back to live: the newest candle is in view again.
    await page.click(".back-to-live");
    await waitFor("the live view", async () => {
      const newest = await newestTime(page);
      return newest !== undefined && (await shownView(page)).to > newest;
    });
    assert.equal(await page.locator(".back-to-live").count(), 0);

    // An interval chosen; a zoom out past what one answer holds takes a coarser one.
    await page.click('.intervals button:has-text("5m")');
    // None are drawn until the new interval's candles are read.
    await waitFor("five-minute candles", async () => (await newestTime(page) ?? 1) % 300_000 === 0);
    await page.click('.intervals button:has-text("1s")');
    await waitFor("one-second view", async () => {
      const view = await shownView(page);
      return view.to - view.from === 120_000;
    });
    await page.mouse.move(...at(0.8, 0.4));
    for (let i = 0; i < 60 && await pressedInterval(page) === "1s"; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(30);
    }
    await waitFor("a coarser interval", async () => await pressedInterval(page) !== "1s");
    const wide = await shownView(page);
    assert.ok(wide.to - wide.from > 5_000 * 1_000, "wider than 5,000 one-second candles");
    assert.deepEqual(problems, [], "no console errors");
  },
});
