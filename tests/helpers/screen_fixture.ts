/**
 * The page on a database with history, for the browser tests of the trading screen: 26 hours of
 * trades of three symbols (one every 20 s each, random walks, a whale of 2 BTC every half hour)
 * stored as the consumer stores them, with a BTCUSDT rule set before them that crosses the price
 * of an hour ago (so it fires there), `dashboard.ts` serving them with the island bundle built,
 * and Debian's Chromium.
 */
import type { Browser } from "playwright-core";
import type { TradeEvent } from "../../domain/trade_event.ts";
import { buildIslands } from "../../stack/build_islands.ts";
import { freePort } from "../../stack/free_port.ts";
import { mulberry32 } from "../../stack/seeded_random.ts";
import { createTestDatabase, type TestDatabase } from "./test_database.ts";
import { tradeEvent } from "./trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "./batch_input.ts";
import { startComponent } from "./component_process.ts";
import { waitFor } from "./wait.ts";
import { launchChromium } from "./browser.ts";
import { createPriceRule } from "../../web/price_rule_queries.ts";

/** The symbols, in the order the dashboard is configured with. */
export const SCREEN_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const START_PRICES = [60_000, 3_000, 150];
const HOURS = 26;
const EVERY_MS = 20_000;

/** A running screen: its address, the browser, the database. */
export interface Screen extends AsyncDisposable {
  /** The page's address, ending in `/`. */
  url: string;
  /** The level of the BTCUSDT rule. */
  level: string;
  browser: Browser;
  db: TestDatabase;
}

/** Each symbol's trades over the last {@link HOURS} hours up to now, each a random walk. */
function history(now: number): TradeEvent[] {
  const random = mulberry32(5);
  const events: TradeEvent[] = [];
  SCREEN_SYMBOLS.forEach((symbol, s) => {
    let price = START_PRICES[s];
    for (let at = now - HOURS * 3_600_000, id = 1; at < now; at += EVERY_MS, id++) {
      price *= 1 + (random() - 0.5) / 500;
      const quantity = symbol === "BTCUSDT" && id % 90 === 0 ? "2" : "0.25";
      events.push({ ...tradeEvent(id, price.toFixed(2), quantity, symbol), tradeTime: at });
    }
  });
  return events;
}

/** Stores the history, starts the dashboard (its log in test-artifacts/`name`.log) and Chromium. */
export async function startScreen(name: string): Promise<Screen> {
  const db = await createTestDatabase();
  const stops: (() => Promise<unknown>)[] = [() => db.drop()];
  const stop = async () => {
    for (const step of stops) await step().catch(() => {});
  };
  try {
    const now = Date.now();
    const events = history(now);
    const btc = events.filter((event) => event.symbol === "BTCUSDT");
    const level = btc[btc.length - 180].price;
    await createPriceRule(db.sql, {
      symbol: "BTCUSDT",
      kind: "crosses",
      direction: "any",
      level,
      frequency: "every",
      frequencySeconds: null,
    });
    // Set before the history: judged from its first second on.
    await db.sql`update price_rules set judged_until = ${new Date(btc[0].tradeTime - 1_000)}`;
    const handler = testBatchHandler(db.sql, 5);
    for (let i = 0; i < events.length; i += 2_000) {
      await handler.accept(kafkaMessages(events.slice(i, i + 2_000)), BATCH_CONTEXT)();
    }
    await buildIslands();
    const port = freePort();
    const dashboard = await startComponent("dashboard.ts", name, {
      DATABASE_URL: db.url,
      SYMBOLS: SCREEN_SYMBOLS.join(","),
      PORT: String(port),
    });
    stops.unshift(() => dashboard.stop());
    await waitFor(
      "the dashboard to listen",
      () => dashboard.logs().some((line) => line.msg === "listening"),
    );
    const browser = await launchChromium();
    stops.unshift(() => browser.close());
    return { url: `http://127.0.0.1:${port}/`, level, browser, db, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
