/// <reference lib="dom" />
/**
 * The page as a trading screen, in Chromium, on a database with 26 hours of history for three
 * symbols: at 1440 × 900 the chart's panes fill most of the height with the side column beside
 * them and the strip shows every symbol's 24 hours as `/api/tickers` has them; at 390 × 844 one
 * column, the chart first, nothing wider than the screen; the dark theme follows the system and
 * the toggle, which the browser remembers. Screenshots of each size go to test-artifacts/.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { MarketTicker } from "../../domain/dashboard_views.ts";
import { ARTIFACTS } from "../helpers/browser.ts";
import { SCREEN_SYMBOLS, startScreen } from "../helpers/screen_fixture.ts";

/** Where the page's parts are, and whether anything is wider than the window. */
function measure() {
  const box = (selector: string) => {
    const rect = document.querySelector(selector)!.getBoundingClientRect();
    return { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right };
  };
  return {
    chart: box(".chart"),
    side: box(".side"),
    strip: box(".markets"),
    scrollWidth: document.documentElement.scrollWidth,
    width: innerWidth,
    height: innerHeight,
  };
}

/** The page's background colour and theme attribute. */
function themeShown(page: Page) {
  return page.evaluate(() => ({
    theme: document.documentElement.dataset.theme,
    background: getComputedStyle(document.documentElement).backgroundColor,
  }));
}

Deno.test({
  name: "the trading screen: chart first and tall, every symbol's day in the strip, two themes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using screen = await startScreen("screen-dashboard");
    const { url, browser } = screen;
    const { tickers }: { tickers: MarketTicker[] } = await (await fetch(`${url}api/tickers`))
      .json();
    assert.deepEqual(tickers.map((t) => t.symbol), SCREEN_SYMBOLS);

    // A wide screen in a light system: the chart fills most of the height, the column beside.
    const wide = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      colorScheme: "light",
    });
    const problems: string[] = [];
    wide.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    wide.on("pageerror", (e) => problems.push(e.message));
    await wide.goto(url);
    // Connected: live, or stale, as the newest stored trade may be minutes old.
    await wide.waitForSelector('[data-status="live"], [data-status="stale"]');
    await wide.waitForSelector(".chart canvas[data-newest]");
    const layout = await wide.evaluate(measure);
    const shown = Math.min(layout.chart.bottom, layout.height) - Math.max(layout.chart.top, 0);
    assert.ok(shown / layout.height >= 0.6, `the chart shows ${shown} of ${layout.height} px`);
    assert.ok(layout.side.left >= layout.chart.right, "the side column is beside the chart");
    assert.ok(layout.strip.bottom <= layout.chart.top, "the strip is above the chart");
    assert.equal(layout.scrollWidth, layout.width, "no horizontal scroll");

    // The strip: every symbol, its 24 hours as the API has them, as text.
    const tiles = await wide.$$eval(".market", (buttons) =>
      buttons.map((b) => ({
        symbol: (b as HTMLElement).dataset.symbol,
        change: b.querySelector(".market-change")?.textContent,
        range: b.querySelector(".market-range")?.textContent,
        sparkline: b.querySelectorAll("svg polyline").length,
      })));
    assert.deepEqual(tiles.map((t) => t.symbol), SCREEN_SYMBOLS);
    tiles.forEach((tile, i) => {
      assert.equal(tile.change, `${tickers[i].changePercent} %`, tile.symbol);
      assert.match(tile.range ?? "", /^24h high [\d,]+\.\d\d low [\d,]+\.\d\d$/, tile.symbol);
      assert.equal(tile.sparkline, 1, `${tile.symbol}'s sparkline`);
    });
    const btcRange = tiles[0].range!.replaceAll(",", "");
    assert.ok(btcRange.includes(`high ${Number(tickers[0].high).toFixed(2)}`), btcRange);
    // A click on a symbol shows its chart.
    await wide.click('.market[data-symbol="SOLUSDT"]');
    await wide.waitForSelector('.chart canvas[aria-label^="SOLUSDT "]');
    assert.equal(
      await wide.getAttribute('.market[aria-pressed="true"]', "data-symbol"),
      "SOLUSDT",
    );
    await wide.screenshot({ path: `${ARTIFACTS}/screen-1440x900-light.png` });

    // The toggle shows the dark theme, and the browser keeps it for the next visit.
    assert.deepEqual(await themeShown(wide), {
      theme: "light",
      background: "rgb(246, 247, 249)",
    });
    await wide.click(".theme-toggle");
    assert.deepEqual(await themeShown(wide), { theme: "dark", background: "rgb(13, 17, 23)" });
    assert.equal(await wide.getAttribute(".theme-toggle", "aria-pressed"), "true");
    await wide.reload();
    await wide.waitForSelector(".chart canvas[data-newest]");
    assert.equal((await themeShown(wide)).theme, "dark", "kept across a reload");
    assert.equal(await wide.getAttribute(".theme-toggle", "aria-pressed"), "true");
    await wide.screenshot({ path: `${ARTIFACTS}/screen-1440x900-dark.png` });
    assert.deepEqual(problems, [], "no console errors");

    // A phone in a dark system, no choice kept: dark, one column, the chart first.
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      colorScheme: "dark",
      isMobile: true,
      hasTouch: true,
    });
    await phone.goto(url);
    await phone.waitForSelector(".chart canvas[data-newest]");
    assert.equal((await themeShown(phone)).theme, "dark", "the system's theme");
    const narrow = await phone.evaluate(measure);
    assert.equal(narrow.scrollWidth, narrow.width, "no horizontal scroll");
    assert.ok(narrow.chart.right <= narrow.width, "the chart fits the width");
    assert.ok(narrow.chart.bottom <= narrow.side.top, "the chart comes before the column");
    await phone.screenshot({ path: `${ARTIFACTS}/screen-390x844-dark.png`, fullPage: true });
  },
});
