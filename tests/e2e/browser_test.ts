/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's Chromium), run the README's way: `deno task
 * dashboard` in a fresh copy of the repository, where no island bundle has been built. Trades
 * flow simulator → producer → Kafka → consumer → PostgreSQL → NOTIFY → SSE at 300 a second over
 * three symbols; the page must go live, show them as people read them, draw candles, and the
 * newest candle must move with the feed. The screenshot is kept in test-artifacts/.
 */
import assert from "node:assert/strict";
import { freePort } from "../../stack/free_port.ts";
import { startComponent } from "../helpers/component_process.ts";
import { waitFor } from "../helpers/wait.ts";
import { startTestStack } from "../helpers/test_stack.ts";
import { ARTIFACTS, freshCopy, launchChromium, runDashboardTask } from "../helpers/browser.ts";
import { CANDLE_COLOURS } from "../../ui/candle_plot.ts";
import { DEFAULT_INTERVAL } from "../../ui/chart_view.ts";
import { intervalMs } from "../../ui/candle_book.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const ADMIN_TOKEN = "browser-test-admin-token";
/** The pixels of the price chart, hashed, to tell whether what is drawn changed. */
function pricePixels(): number {
  const canvas = document.querySelector<HTMLCanvasElement>(".chart canvas")!;
  const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
  let hash = 0;
  for (let i = 0; i < data.length; i += 7) hash = (hash * 31 + data[i]) | 0;
  return hash;
}

/** How many pixels of the price chart have exactly each of `colours` ("#rrggbb"). */
function pricePixelsOf(colours: string[]): number[] {
  const canvas = document.querySelector<HTMLCanvasElement>(".chart canvas")!;
  const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
  const wanted = colours.map((hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)));
  const counts = wanted.map(() => 0);
  for (let i = 0; i < data.length; i += 4) {
    wanted.forEach(([r, g, b], k) => {
      if (data[i] === r && data[i + 1] === g && data[i + 2] === b) counts[k]++;
    });
  }
  return counts;
}

Deno.test({
  name: "deno task dashboard from a fresh copy goes live, and at 300 trades/s the chart follows",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = await startTestStack(
      { rate: 100, seed: 3, whaleProbability: 0.01, paused: true },
      SYMBOLS,
    );
    const { db, simulator } = stack;
    const env = stack.env({ groupId: "browser" });
    stack.hold(await startComponent("consumer.ts", "browser-consumer", env));
    stack.hold(await startComponent("producer.ts", "browser-producer", env));
    const copy = stack.hold(await freshCopy(), (dir) => Deno.remove(dir, { recursive: true }));
    assert.ok(
      !await Deno.stat(`${copy}/static/islands.js`).then(() => true, () => false),
      "the copy has no built bundle, as a fresh clone has none",
    );
    const port = freePort();
    const dashboard = stack.hold(
      await runDashboardTask(copy, {
        ...env,
        PORT: String(port),
        DASHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
      }),
    );
    const browser = stack.hold(await launchChromium(), (opened) => opened.close());
    // A first trade so the page has a symbol to show, then the feed pauses.
    await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
    simulator.resume();
    await waitFor("a stored trade", async () => {
      const [{ n }] = await db.sql`select count(*)::int as n from trades`;
      return n > 0;
    });
    simulator.pause();

    // Half an hour off UTC, so that a chart drawn in the browser's zone would show it.
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      timezoneId: "Asia/Kolkata",
    });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('[data-status="live"]', { timeout: 15_000 });
    await page.waitForSelector(".chart canvas[data-newest]", { timeout: 15_000 });
    const countBefore = await page.textContent(".card dd:nth-of-type(2)");

    simulator.resume();
    await page.waitForFunction(
      (before) => document.querySelector(".card dd:nth-of-type(2)")?.textContent !== before,
      countBefore,
      { timeout: 20_000 },
    );
    // What a person watching sees: the newest candle moves, again and again.
    const newest = () => page.getAttribute(".chart canvas", "data-newest");
    const moves: string[] = [(await newest())!];
    const pixelsBefore = await page.evaluate(pricePixels);
    for (let move = 1; move <= 3; move++) {
      await page.waitForFunction(
        (last) => document.querySelector(".chart canvas")?.getAttribute("data-newest") !== last,
        moves.at(-1),
        { timeout: 5_000 },
      );
      moves.push((await newest())!);
    }
    assert.notEqual(await page.evaluate(pricePixels), pixelsBefore, "the drawn chart changed");
    for (const drawn of moves) {
      const [time, close] = drawn.split(" ");
      assert.equal(
        Date.parse(time) % intervalMs(DEFAULT_INTERVAL),
        0,
        `${drawn}: a candle of the interval shown`,
      );
      assert.match(close, /^\d+\.\d+$/, `${drawn}: its close`);
    }
    // Candles, not a line: bodies of both colours, rising and falling, each a few pixels.
    const candlePixels = () =>
      page.evaluate(pricePixelsOf, [CANDLE_COLOURS.up, CANDLE_COLOURS.down]);
    await waitFor(
      "rising and falling candles",
      async () => (await candlePixels()).every((count) => count >= 20),
      30_000,
    );
    await page.waitForSelector("ul.whales li.fresh", { timeout: 30_000 });

    const price = await page.textContent(".card .price");
    assert.match(price ?? "", /^\d{1,3}(,\d{3})*\.\d{2,8}$/, "the price reads 67,062.78");
    const whale = await page.textContent("ul.whales li");
    assert.match(
      whale ?? "",
      /^\d\d:\d\d:\d\d [A-Z]+ (buy|sell) [\d,.]+ [A-Z]+ @ [\d,.]+ = [\d,]+\.\d\d USDT$/,
    );
    const drawn = await page.$$eval("canvas", (canvases) =>
      canvases.map((canvas) => {
        const c = canvas as HTMLCanvasElement;
        const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        return c.width > 0 && pixels.some((value) => value !== 0);
      }));
    assert.deepEqual(drawn, [true], "the chart has pixels");

    // A price rule set from the page: refused with a wrong token, saying so; then, at the
    // price shown, listed, firing as the feed crosses it, and deleted.
    const shownPrice = (await page.textContent(".card .price"))!;
    const shownSymbol = await page.getAttribute('.market[aria-pressed="true"]', "data-symbol");
    await page.fill('.rule-form input[name="level"]', shownPrice.replaceAll(",", ""));
    await page.fill('.rule-form input[name="token"]', "not-the-token");
    await page.click('.rule-form button[type="submit"]');
    await page.waitForSelector(
      '.price-alerts [role="alert"]:has-text("not the dashboard\'s admin token")',
    );
    await page.fill('.rule-form input[name="token"]', ADMIN_TOKEN);
    await page.click('.rule-form button[type="submit"]');
    const ruleItem = page.locator(".price-alerts ul.rules li");
    await ruleItem.first().waitFor({ timeout: 5_000 });
    assert.ok(
      (await ruleItem.first().textContent())!.startsWith(`${shownSymbol} crosses ${shownPrice} `),
      "the rule reads as set, at the price shown",
    );
    const fired = await page.waitForSelector(".price-alerts ul.fired li.fresh", {
      timeout: 30_000,
    });
    assert.match(
      (await fired.textContent())!,
      /^\d\d:\d\d:\d\d [A-Z]+ (rose|fell) through [\d,.]+: (high|low) [\d,.]+, close [\d,.]+$/,
    );
    assert.match((await ruleItem.first().textContent())!, /fired \d+ times?, last/);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });
    await ruleItem.first().locator("button.delete").click();
    await page.waitForSelector(".price-alerts p.note:has-text('No price rule is set.')");
    const [{ live }] = await db.sql`
        select count(*)::int as live from price_rules where deleted_at is null
      `;
    assert.equal(live, 0, "deleted in the database");

    // A rule that fires only once: it reads so, fires, and leaves the list by itself.
    const againPrice = (await page.textContent(".card .price"))!;
    await page.fill('.rule-form input[name="level"]', againPrice.replaceAll(",", ""));
    await page.selectOption('.rule-form select[name="frequency"]', "once");
    await page.click('.rule-form button[type="submit"]');
    await ruleItem.first().waitFor({ timeout: 5_000 });
    assert.ok(
      (await ruleItem.first().textContent())!.startsWith(
        `${shownSymbol} crosses ${againPrice}, once `,
      ),
      "the rule says it fires once",
    );
    await page.waitForSelector(".price-alerts p.note:has-text('No price rule is set.')", {
      timeout: 30_000,
    });
    const [ended] = await db.sql`
        select r.ended_at is not null as ended, r.fired_count,
          (select count(*)::int from price_alerts a where a.rule_id = r.id) as alerts
        from price_rules r order by id desc limit 1
      `;
    assert.deepEqual([ended.ended, ended.fired_count, ended.alerts], [true, 1, 1]);
    // The browser logs the refused request of the wrong token; that one is expected.
    const refusal = /status of 401 \(Unauthorized\)/;
    assert.equal(problems.filter((p) => refusal.test(p)).length, 1, "the wrong token's 401");
    assert.deepEqual(problems.filter((p) => !refusal.test(p)), [], "no other console errors");
    assert.ok(!dashboard.output().includes("islands.js is missing"), dashboard.output());
  },
});
