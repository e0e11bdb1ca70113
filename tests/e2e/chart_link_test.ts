/// <reference lib="dom" />
/**
 * The chart's indicators and its links, in Chromium on 26 hours of history: indicators chosen from
 * the menu draw the values the API answers to the page's own request and are read out as text; a
 * copied link opens the same symbol, interval, range, indicators and theme for someone else, as one
 * history entry; back and forward step through the views.
 */
import assert from "node:assert/strict";
import { ARTIFACTS } from "../helpers/browser.ts";
import { startScreen } from "../helpers/screen_fixture.ts";
import { waitFor } from "../helpers/wait.ts";
import { CANVAS, chartPoint, drag, pressedInterval, shownView } from "../helpers/chart_page.ts";

Deno.test({
  name: "the chart: indicators from the menu, a link that keeps the view, back and forward",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using screen = await startScreen("chart-link-dashboard");
    const page = await screen.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.stack ?? e.message));
    const indicatorReads: URL[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/indicators") indicatorReads.push(url);
    });
    await page.goto(screen.url);
    await page.waitForSelector(`${CANVAS}[data-newest]`);
    const at = await chartPoint(page);

    // Indicators from the menu: drawn, their newest values those of the API, read out as text.
    await page.click(".indicator-menu summary");
    await page.check('.indicator-menu input[value="ema:20"]');
    await page.check('.indicator-menu input[value="rsi:14"]');
    const drawnLines = async () =>
      Object.fromEntries(
        ((await page.getAttribute(CANVAS, "data-indicators")) ?? "").split(";")
          .filter(Boolean).map((entry) => {
            const [key, line, value] = entry.split(" ");
            return [`${key} ${line}`, value];
          }),
      );
    await waitFor(
      "both indicators drawn",
      async () => Object.keys(await drawnLines()).length === 2,
    );
    // The page's own request, asked again: the values drawn are the API's, to the last digit.
    const asked = indicatorReads.findLast((read) =>
      read.searchParams.get("set") === "ema:20,rsi:14"
    )!;
    const api = await (await fetch(`${screen.url}api/indicators${asked.search}`)).json();
    const [ema, rsi] = api.indicators.map((i: { lines: Record<string, (number | null)[]> }) =>
      Object.values(i.lines)[0].at(-1)
    );
    assert.deepEqual(await drawnLines(), { "ema:20 ema": String(ema), "rsi:14 rsi": String(rsi) });
    const withIndicators = (await page.textContent(".readout"))!;
    assert.match(withIndicators, /EMA 20 [\d,]+\.\d{2} RSI 14 \d{1,3}\.\d{2}$/);
    await page.screenshot({ path: `${ARTIFACTS}/chart-indicators.png` });
    await page.click(".indicator-menu summary");

    // A link keeps the view: dragged into the past, dark theme chosen, opened by someone else.
    await drag(page, at);
    await page.waitForSelector(".back-to-live");
    const past = await shownView(page);
    await page.click(".theme-toggle");
    await waitFor("the theme in the address", () => page.url().includes("theme=dark"));
    const other = await screen.browser.newPage({
      viewport: { width: 1440, height: 900 },
      colorScheme: "light",
    });
    await other.goto(page.url());
    await other.waitForSelector(`${CANVAS}[data-indicators*="rsi:14"]`);
    await other.waitForTimeout(500);
    assert.equal(await other.evaluate(() => history.length), 2, "the link's entry, no other");
    const elsewhere = await shownView(other);
    assert.ok(
      Math.abs(elsewhere.from - past.from) <= 1 && Math.abs(elsewhere.to - past.to) <= 1,
      `${JSON.stringify(elsewhere)} is ${JSON.stringify(past)}`,
    );
    assert.equal(await pressedInterval(other), "1m");
    assert.equal(
      await other.getAttribute('.market[aria-pressed="true"]', "data-symbol"),
      "BTCUSDT",
    );
    assert.equal(await other.getAttribute("html", "data-theme"), "dark");
    assert.deepEqual(
      await other.$$eval(
        ".indicator-menu input:checked",
        (inputs) => inputs.map((input) => (input as HTMLInputElement).value),
      ),
      ["ema:20", "rsi:14"],
    );
    await other.close();

    // Back and forward: before the theme, before the drag (live), and forward to the drag again.
    await page.goBack();
    await waitFor("the theme out of the address", () => !page.url().includes("theme="));
    await page.goBack();
    await waitFor(
      "the live view back",
      async () => await page.locator(".back-to-live").count() === 0,
    );
    await page.goForward();
    await waitFor(
      `the dragged view's address again (${page.url()})`,
      () => page.url().includes("from="),
    );
    await page.waitForSelector(".back-to-live");
    const forward = await shownView(page);
    assert.ok(Math.abs(forward.from - past.from) <= 1, "the dragged view again");
    await page.click(".back-to-live");

    assert.deepEqual(problems, [], "no console errors");
  },
});
