/// <reference lib="dom" />
/**
 * A private dashboard in Chromium: `DASHBOARD_READ_TOKEN` set, a person opening the page is
 * sent to the sign-in form, a wrong token is refused there, the right one sets an HttpOnly,
 * Secure, SameSite=Lax cookie and brings the page, whose stream (an `EventSource`, which
 * sends no headers but the cookie) goes live: the chart's newest candle moves with the feed.
 * Without the cookie the stream is refused, and no log line holds the token.
 */
import assert from "node:assert/strict";
import { freePort } from "../../stack/free_port.ts";
import { buildIslands } from "../../stack/build_islands.ts";
import { startComponent } from "../helpers/component_process.ts";
import { launchChromium } from "../helpers/browser.ts";
import { startTestStack } from "../helpers/test_stack.ts";
import { assertNoSecrets } from "../helpers/log_secrets.ts";
import { waitFor } from "../helpers/wait.ts";

const READ_TOKEN = "reader-secret-7Hq2-0123456789";

Deno.test({
  name: "a private dashboard: signed in through its form, the page goes live; the stream needs it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = await startTestStack({ rate: 50, seed: 9, paused: true });
    const env = stack.env({ groupId: "sign-in" });
    stack.hold(await startComponent("consumer.ts", "sign-in-consumer", env));
    stack.hold(await startComponent("producer.ts", "sign-in-producer", env));
    await buildIslands();
    const port = freePort();
    const dashboard = stack.hold(
      await startComponent("dashboard.ts", "sign-in-dashboard", {
        ...env,
        PORT: String(port),
        DASHBOARD_READ_TOKEN: READ_TOKEN,
      }),
    );
    await waitFor(
      "the dashboard to listen",
      () => dashboard.logs().some((line) => line.msg === "listening"),
    );
    await waitFor("the producer to connect", () => stack.simulator.connectionCount() > 0);
    stack.simulator.resume();
    await waitFor(
      "a stored trade",
      async () => (await stack.db.sql`select 1 from trades limit 1`).length > 0,
    );

    const origin = `http://localhost:${port}`;
    const refused = await fetch(`${origin}/api/stream`);
    assert.equal(refused.status, 401);
    await refused.body?.cancel();

    const browser = stack.hold(await launchChromium(), (opened) => opened.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${origin}/?symbol=${stack.symbols[1]}`);
    assert.equal(new URL(page.url()).pathname, "/sign-in");
    await page.fill("#token", "not-the-token-at-all");
    await page.click("button[type=submit]");
    await page.waitForSelector(".sign-in-refused");
    assert.deepEqual(await context.cookies(), []);

    await page.fill("#token", READ_TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector('[data-status="live"]', { timeout: 15_000 });
    assert.equal(new URL(page.url()).searchParams.get("symbol"), stack.symbols[1]);
    const [session] = await context.cookies();
    assert.equal(session.name, "dashboard_session");
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, "Lax");
    assert.ok(!session.value.includes(READ_TOKEN));

    // What a person sees: the newest candle moves as trades come, over the stream.
    await page.waitForSelector(".chart canvas[data-newest]", { timeout: 15_000 });
    const newest = () => page.getAttribute(".chart canvas", "data-newest");
    let last = await newest();
    for (let move = 0; move < 2; move++) {
      await page.waitForFunction(
        (before) => document.querySelector(".chart canvas")?.getAttribute("data-newest") !== before,
        last,
        { timeout: 10_000 },
      );
      last = await newest();
    }
    assert.deepEqual(problems, []);

    // Signing out ends the session in this browser: back to the form, the cookie gone.
    await page.click(".sign-out button");
    await page.waitForSelector("#token");
    assert.equal(new URL(page.url()).pathname, "/sign-in");
    assert.deepEqual(await context.cookies(), []);
    assertNoSecrets([READ_TOKEN], [dashboard]);
  },
});
