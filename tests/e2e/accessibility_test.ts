/// <reference lib="dom" />
/**
 * The trading screen for people who do not use a mouse or do not see it: axe-core finds no
 * serious or critical problem in either theme, on a wide screen and a phone; the keyboard reaches
 * every control (symbols, intervals, whale marks, indicators, the chart, the theme, the panels)
 * and each does its job from it.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { startScreen } from "../helpers/screen_fixture.ts";
import { waitFor } from "../helpers/wait.ts";

const CANVAS = ".chart canvas";

/** axe-core's serious and critical findings on the page, one line each. */
async function seriousFindings(page: Page): Promise<string[]> {
  // Evaluated by the browser's debugger, which the page's script policy does not govern.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const checker = (globalThis as unknown as { axe: typeof axe }).axe;
    const { violations } = await checker.run(document, { resultTypes: ["violations"] });
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((node) => node.target.join(" ")).slice(0, 5),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.join(", ")}`);
}

/** What has the focus, in a few words. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return "body";
    const label = (element as HTMLInputElement).labels?.[0]?.textContent;
    const text = (element.getAttribute("aria-label") ?? label ?? element.textContent ?? "").trim();
    return `${element.tagName.toLowerCase()}${element.className ? "." + element.className : ""} ` +
      text.slice(0, 40);
  });
}

Deno.test({
  name: "the screen has no serious accessibility finding and works from the keyboard",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using screen = await startScreen("accessibility-dashboard");
    const linked = `${screen.url}?ind=ema:20,rsi:14`;
    for (
      const [width, height, colorScheme] of [
        [1440, 900, "light"],
        [1440, 900, "dark"],
        [390, 844, "dark"],
      ] as const
    ) {
      const page = await screen.browser.newPage({ viewport: { width, height }, colorScheme });
      await page.goto(linked);
      await page.waitForSelector(`${CANVAS}[data-indicators*="rsi:14"]`);
      assert.deepEqual(await seriousFindings(page), [], `${width}×${height} ${colorScheme}`);
      await page.close();
    }

    // Tab reaches every control, in the order they are shown.
    const page = await screen.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(screen.url);
    await page.waitForSelector(`${CANVAS}[data-newest]`);
    const reached: string[] = [];
    for (let tab = 0; tab < 40; tab++) {
      await page.keyboard.press("Tab");
      reached.push(await focused(page));
    }
    for (
      const control of [
        "button.theme-toggle Dark theme",
        "button.market BTCUSDT",
        "button.market SOLUSDT",
        "button 1s",
        "button 1d",
        "input Whale",
        "summary Indicators",
        "canvas BTCUSDT candles and volume",
        "summary Pipeline health",
      ]
    ) {
      const [tag, words] = [control.split(" ")[0], control.split(" ").slice(1).join(" ")];
      assert.ok(
        reached.some((r) => r.startsWith(tag) && r.includes(words.split(" ")[0])),
        `${control} reached by Tab: ${reached.join(" | ")}`,
      );
    }

    // And each does its job from the keyboard.
    await page.focus('.market[data-symbol="ETHUSDT"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('.market[data-symbol="ETHUSDT"][aria-pressed="true"]');
    await page.focus('.intervals button:has-text("5m")');
    await page.keyboard.press("Space");
    await page.waitForSelector('.intervals button[aria-pressed="true"]:has-text("5m")');
    await page.focus(".indicator-menu summary");
    await page.keyboard.press("Enter");
    await page.focus('.indicator-menu input[value="sma:20"]');
    await page.keyboard.press("Space");
    await page.waitForSelector(`${CANVAS}[data-indicators*="sma:20"]`);
    const view = async () => (await page.getAttribute(CANVAS, "data-view"))!.split(" ").map(Number);
    const [from, to] = await view();
    await page.focus(CANVAS);
    await page.keyboard.press("-");
    await waitFor("a zoom out", async () => {
      const [wider, end] = await view();
      return end - wider > to - from;
    });
    await page.keyboard.press("PageUp");
    await page.waitForSelector(".back-to-live");
    await page.keyboard.press("End");
    await waitFor("live again", async () => await page.locator(".back-to-live").count() === 0);
    await page.focus(".theme-toggle");
    await page.keyboard.press("Enter");
    assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  },
});
