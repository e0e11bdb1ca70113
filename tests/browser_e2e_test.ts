/**
 * The dashboard in a real browser (Debian's Chromium): the page loads, the charts are drawn,
 * and trades that flow simulator → producer → Kafka → consumer → PostgreSQL → NOTIFY → SSE
 * appear without a reload. The screenshot is kept in test-artifacts/.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startKafkaBroker } from "../stack/kafka_broker.ts";
import { freePort } from "../stack/free_port.ts";
import { startSimulator } from "../stack/simulator.ts";
import { buildIslands } from "../stack/build_islands.ts";
import { createApp } from "../fresh_compat.ts";
import { manifest } from "../dashboard_manifest.ts";
import { startLiveHub } from "../web/live_hub.ts";
import { createLogger } from "../runtime/log.ts";
import { createTestDatabase } from "./helpers/test_database.ts";
import { startComponent } from "./helpers/component_process.ts";
import { waitFor } from "./helpers/wait.ts";

const quietLog = createLogger("dashboard", "error");

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

Deno.test({
  name: "a trade reaches the open page without a reload, and the charts are drawn",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await buildIslands();
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    const db = await createTestDatabase();
    const simulator = await startSimulator({
      port: 0,
      symbols: SYMBOLS,
      rate: 20,
      seed: 3,
      whaleProbability: 0.2,
      paused: true,
    });
    const env = {
      KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
      KAFKA_TOPIC: `trades-${crypto.randomUUID().slice(0, 8)}`,
      KAFKA_GROUP_ID: "browser",
      DATABASE_URL: db.url,
      SYMBOLS: SYMBOLS.join(","),
      BINANCE_WS_URL: simulator.url,
      BINANCE_REST_URL: `http://127.0.0.1:${simulator.port}`,
    };
    const consumer = await startComponent("consumer.ts", "browser-consumer", env);
    const producer = await startComponent("producer.ts", "browser-producer", env);
    const live = await startLiveHub(db.sql, createLogger("dashboard", "error"));
    const app = createApp(manifest, {
      log: quietLog,
      sql: db.sql,
      symbols: SYMBOLS,
      live: live.hub,
    }, {
      staticDir: new URL("../static/", import.meta.url),
    });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    });
    try {
      // A first trade so the page has a symbol to show, then the feed pauses.
      await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
      simulator.resume();
      await waitFor("a stored trade", async () => {
        const [{ n }] = await db.sql`select count(*)::int as n from trades`;
        return n > 0;
      });
      simulator.pause();

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`http://127.0.0.1:${server.addr.port}/`);
      await page.waitForSelector('[data-status="live"]', { timeout: 15_000 });
      const countBefore = await page.textContent(".card dd:nth-of-type(2)");

      simulator.resume();
      await page.waitForFunction(
        (before) => document.querySelector(".card dd:nth-of-type(2)")?.textContent !== before,
        countBefore,
        { timeout: 20_000 },
      );
      await page.waitForSelector("ul.whales li.fresh", { timeout: 30_000 });
      const drawn = await page.$$eval("canvas", (canvases) =>
        canvases.map((canvas) => {
          const c = canvas as HTMLCanvasElement;
          const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
          return c.width > 0 && pixels.some((value) => value !== 0);
        }));
      assert.deepEqual(drawn, [true, true], "both charts have pixels");
      await Deno.mkdir("test-artifacts", { recursive: true });
      await page.screenshot({ path: "test-artifacts/dashboard.png", fullPage: true });
      assert.deepEqual(problems, [], "no errors in the browser console");
    } finally {
      await browser.close();
      await server.shutdown();
      await live.stop();
      await producer.stop();
      await consumer.stop();
      await simulator.stop();
      await db.drop();
      await broker.stop();
    }
  },
});
