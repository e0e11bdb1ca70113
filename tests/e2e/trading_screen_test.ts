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
import type { TradeEvent } from "../../domain/trade_event.ts";
import { buildIslands } from "../../stack/build_islands.ts";
import { freePort } from "../../stack/free_port.ts";
import { mulberry32 } from "../../stack/seeded_random.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";
import { startComponent } from "../helpers/component_process.ts";
import { waitFor } from "../helpers/wait.ts";
import { ARTIFACTS, launchChromium } from "../helpers/browser.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const START_PRICES = [60_000, 3_000, 150];
const MINUTE = 60_000;

/** A trade per symbol every two minutes for 26 hours up to now, each a random walk. */
function history(): TradeEvent[] {
  const random = mulberry32(5);
  const now = Date.now();
  const events: TradeEvent[] = [];
  SYMBOLS.forEach((symbol, s) => {
    let price = START_PRICES[s];
    for (let at = now - 26 * 60 * MINUTE, id = 1; at < now; at += 2 * MINUTE, id++) {
      price *= 1 + (random() - 0.5) / 200;
      events.push({ ...tradeEvent(id, price.toFixed(2), "0.25", symbol), tradeTime: at });
    }
  });
  return events;
}

/** Where the page's parts are, and whether anything is wider than the window. */
function measure() {
  const box = (selector: string) => {
    const rect = document.querySelector(selector)!.getBoundingClientRect();
    return { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right };
  };
  return {
    panes: box(".panes"),
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
    const db = await createTestDatabase();
    const cleanups: (() => Promise<unknown>)[] = [() => db.drop()];
    try {
      const events = history();
      const handler = testBatchHandler(db.sql, 5);
      for (let i = 0; i < events.length; i += 1_000) {
        await handler.accept(kafkaMessages(events.slice(i, i + 1_000)), BATCH_CONTEXT)();
      }
      await buildIslands();
      const port = freePort();
      const dashboard = await startComponent("dashboard.ts", "screen-dashboard", {
        DATABASE_URL: db.url,
        SYMBOLS: SYMBOLS.join(","),
        PORT: String(port),
      });
      cleanups.unshift(() => dashboard.stop());
      await waitFor(
        "the dashboard to listen",
        () => dashboard.logs().some((l) => l.msg === "listening"),
      );
      const browser = await launchChromium();
      cleanups.unshift(() => browser.close());
      const url = `http://127.0.0.1:${port}/`;
      const { tickers }: { tickers: MarketTicker[] } = await (await fetch(`${url}api/tickers`))
        .json();
      assert.deepEqual(tickers.map((t) => t.symbol), SYMBOLS);

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
      const shown = Math.min(layout.panes.bottom, layout.height) - Math.max(layout.panes.top, 0);
      assert.ok(shown / layout.height >= 0.6, `the panes show ${shown} of ${layout.height} px`);
      assert.ok(layout.side.left >= layout.panes.right, "the side column is beside the chart");
      assert.ok(layout.strip.bottom <= layout.panes.top, "the strip is above the chart");
      assert.equal(layout.scrollWidth, layout.width, "no horizontal scroll");

      // The strip: every symbol, its 24 hours as the API has them, as text.
      const tiles = await wide.$$eval(".market", (buttons) =>
        buttons.map((b) => ({
          symbol: (b as HTMLElement).dataset.symbol,
          change: b.querySelector(".market-change")?.textContent,
          range: b.querySelector(".market-range")?.textContent,
          sparkline: b.querySelectorAll("svg polyline").length,
        })));
      assert.deepEqual(tiles.map((t) => t.symbol), SYMBOLS);
      tiles.forEach((tile, i) => {
        assert.equal(tile.change, `${tickers[i].changePercent} %`, tile.symbol);
        assert.match(tile.range ?? "", /^24h high [\d,]+\.\d\d low [\d,]+\.\d\d$/, tile.symbol);
        assert.equal(tile.sparkline, 1, `${tile.symbol}'s sparkline`);
      });
      const btcRange = tiles[0].range!.replaceAll(",", "");
      assert.ok(btcRange.includes(`high ${Number(tickers[0].high).toFixed(2)}`), btcRange);
      // A click on a symbol shows its chart.
      await wide.click('.market[data-symbol="SOLUSDT"]');
      await wide.waitForSelector('.chart canvas[aria-label="SOLUSDT candles"]');
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
      assert.ok(narrow.panes.right <= narrow.width, "the chart fits the width");
      assert.ok(narrow.panes.bottom <= narrow.side.top, "the chart comes before the column");
      await phone.screenshot({ path: `${ARTIFACTS}/screen-390x844-dark.png`, fullPage: true });
    } finally {
      for (const cleanup of cleanups) await cleanup().catch(() => {});
    }
  },
});
