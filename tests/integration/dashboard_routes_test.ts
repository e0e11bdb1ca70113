import assert from "node:assert/strict";
import { planBatch } from "../../domain/batch_plan.ts";
import { storeTrades } from "../../pipeline/trade_store.ts";
import { connectDatabase } from "../../runtime/database.ts";
import { RequestTiming } from "../../web/request_timing.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";

async function withDashboard(
  fn: (
    get: (path: string, method?: string) => Promise<Response>,
    db: TestDatabase,
  ) => Promise<void>,
) {
  const db = await createTestDatabase();
  try {
    const events = [
      tradeEvent(1, "100.5", "2"),
      tradeEvent(2, "60000", "2"),
      tradeEvent(3, "101.25", "1"),
      tradeEvent(7, "3000.1", "0.5", "ETHUSDT"),
    ];
    const plan = planBatch(events, new Map(), 2, "100000");
    await storeTrades(db.sql, plan.rows, 2, plan.windowEnds);
    const app = dashboardApp({
      log: quietLog,
      sql: db.sql,
      symbols: SYMBOLS,
      timing: new RequestTiming(),
    }, {
      staticDir: new URL("../../static/", import.meta.url),
    });
    const get = (path: string, method = "GET") =>
      Promise.resolve(app.fetch(new Request(`http://dashboard${path}`, { method })));
    await fn(get, db);
  } finally {
    await db.drop();
  }
}

Deno.test("the trades API returns the newest trades of a symbol with exact decimals", async () => {
  await withDashboard(async (get) => {
    const response = await get("/api/trades?symbol=btcusdt&limit=2");
    assert.equal(response.status, 200);
    const { trades } = await response.json();
    assert.deepEqual(
      trades.map((
        t: Record<string, unknown>,
      ) => [t.tradeId, t.price, t.movingAverage, t.tradeValue]),
      [
        ["3", "101.25000000", "30050.62500000", "101.25"],
        ["2", "60000.00000000", "30050.25000000", "120000.00"],
      ],
    );
  });
});

Deno.test("the whales and aggregates APIs answer from the database", async () => {
  await withDashboard(async (get) => {
    const { whales } = await (await get("/api/whales")).json();
    assert.deepEqual(whales.map((w: Record<string, unknown>) => [w.symbol, w.tradeId, w.isWhale]), [
      ["BTCUSDT", "2", true],
    ]);
    const { aggregates } = await (await get("/api/aggregates")).json();
    assert.deepEqual(
      aggregates.map((
        a: Record<string, unknown>,
      ) => [a.symbol, a.tradeCount, a.totalVolume, a.lastPrice, a.whaleCount]),
      [["BTCUSDT", "3", "5.00000000", "101.25000000", "1"], [
        "ETHUSDT",
        "1",
        "0.50000000",
        "3000.10000000",
        "0",
      ]],
    );
  });
});

Deno.test("bad query parameters get a 400 with a one-line reason", async () => {
  await withDashboard(async (get) => {
    const cases: [string, RegExp][] = [
      ["/api/trades?symbol=DOGEUSDT", /^symbol: "DOGEUSDT" is not one of BTCUSDT, ETHUSDT\n$/],
      ["/api/trades?limit=1000000", /^limit: "1000000" is not a whole number from 1 to 1000\n$/],
      ["/api/trades?limit=0", /^limit: /],
      ["/api/trades?limit=-5", /^limit: /],
      [
        "/api/whales?since=garbage",
        /^since: "garbage" is not epoch milliseconds or an ISO time\n$/,
      ],
      ["/api/whales?since=2026-13-45T00:00:00Z", /^since: /],
    ];
    for (const [path, reason] of cases) {
      const response = await get(path);
      assert.equal(response.status, 400, path);
      assert.match(await response.text(), reason, path);
    }
  });
});

Deno.test("since keeps only newer trades, until only older ones", async () => {
  await withDashboard(async (get) => {
    const { trades } = await (await get("/api/trades?since=1732000000002")).json();
    assert.deepEqual(trades.map((t: Record<string, unknown>) => t.tradeId).sort(), ["3", "7"]);
    const older = await (await get("/api/trades?until=1732000000003")).json();
    assert.deepEqual(older.trades.map((t: Record<string, unknown>) => t.tradeId).sort(), [
      "1",
      "2",
    ]);
    const between = await (await get("/api/whales?since=1732000000001&until=1732000000003"))
      .json();
    assert.deepEqual(between.whales.map((t: Record<string, unknown>) => t.tradeId), ["2"]);
  });
});

Deno.test("the page is rendered on the server with every symbol's figures and a strict CSP", async () => {
  await withDashboard(async (get) => {
    const response = await get("/");
    assert.equal(response.status, 200);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.ok(!csp.includes("unsafe-inline"));
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    const html = await response.text();
    assert.ok(html.startsWith("<!DOCTYPE html>"));
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0);
    for (const attributes of scripts) {
      assert.ok(/\bsrc=|type="application\/json"/.test(attributes), `inline script: ${attributes}`);
    }
    for (
      const figure of ["BTCUSDT", "101.25000000", "30050.62500000", "ETHUSDT", "3000.10000000"]
    ) {
      assert.ok(html.includes(figure), figure);
    }
    assert.match(html, /data-trade-id="2"/, "the whale is listed with its trade id");
    assert.match(
      html,
      /trades [\d.]+ (KiB|MiB) in\s*3 day partitions, oldest trade 2024-11-19 07:06:40 UTC/,
      "what the database holds is on the page",
    );
  });
});

Deno.test("static files are served and paths outside static/ are not", async () => {
  await withDashboard(async (get) => {
    const css = await get("/static/style.css");
    assert.equal(css.status, 200);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    await css.body?.cancel();
    for (
      const path of [
        "/static/..%2Fdeno.json",
        "/static/missing.css",
        "/static/style.txt",
        "/nowhere",
      ]
    ) {
      const response = await get(path);
      assert.equal(response.status, 404, path);
      await response.body?.cancel();
    }
  });
});

Deno.test("healthz says when the database is unreachable", async () => {
  await withDashboard(async (get) => {
    assert.deepEqual(await (await get("/healthz")).json(), {
      status: "ok",
      database: "ok",
      listener: "off",
    });
  });
  const sql = connectDatabase("postgres://postgres@127.0.0.1:1/nowhere", { connectTimeout: 1 });
  try {
    const app = dashboardApp({ log: quietLog, sql, symbols: SYMBOLS });
    const response = await app.fetch(new Request("http://dashboard/healthz"));
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: "unavailable", database: "down" });
  } finally {
    await sql.end({ timeout: 1 });
  }
});

Deno.test("without its database the page still loads, says so, and is a 503", async () => {
  const sql = connectDatabase("postgres://postgres@127.0.0.1:1/nowhere", { connectTimeout: 1 });
  try {
    const app = dashboardApp({ log: quietLog, sql, symbols: SYMBOLS, feedSimulated: true });
    const response = await app.fetch(new Request("http://dashboard/"));
    assert.equal(response.status, 503);
    const html = await response.text();
    assert.match(html, /The database is not answering/);
    assert.match(
      html,
      /simulated feed, not live prices/,
      "a simulated feed is never shown as live",
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
});

Deno.test("metrics report freshness and counts per symbol in Prometheus' format", async () => {
  await withDashboard(async (get) => {
    await (await get("/api/trades")).body?.cancel();
    await (await get("/api/price-rules/17")).body?.cancel();
    const response = await get("/metrics");
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /^# HELP crypto_last_trade_age_seconds /m);
    assert.match(text, /^crypto_trades_stored_total\{symbol="BTCUSDT"\} 3$/m);
    assert.match(text, /^crypto_whale_trades_stored_total\{symbol="BTCUSDT"\} 1$/m);
    assert.match(text, /^crypto_last_trade_age_seconds\{symbol="ETHUSDT"\} \d+(\.\d+)?$/m);
    assert.match(text, /^dashboard_database_up 1$/m);
    assert.match(text, /^dashboard_listener_up 0$/m);
    // The fixture's day, and today and tomorrow, which the migration creates ahead.
    assert.match(text, /^crypto_trade_partitions 3$/m);
    assert.match(text, /^crypto_oldest_trade_timestamp_seconds 1732000000\.001$/m);
    const bytes = Number(/^crypto_database_bytes (\d+)$/m.exec(text)?.[1]);
    const trades = Number(/^crypto_trades_bytes (\d+)$/m.exec(text)?.[1]);
    assert.ok(bytes > trades && trades > 0, `database ${bytes} B holds trades of ${trades} B`);
    // Time per route pattern, not per path: ids do not make new series.
    assert.match(text, /^dashboard_request_seconds_count\{route="\/api\/trades"\} 1$/m);
    assert.match(text, /^dashboard_request_seconds_count\{route="\/api\/price-rules\/:id"\} 1$/m);
  });
});

Deno.test("HEAD answers as GET does, without a body", async () => {
  await withDashboard(async (get) => {
    for (const path of ["/", "/healthz", "/api/aggregates", "/static/style.css"]) {
      const response = await get(path, "HEAD");
      assert.equal(response.status, 200, path);
      assert.equal(response.body, null, path);
      assert.ok(response.headers.get("content-type"), path);
      assert.equal(response.headers.get("x-frame-options"), "DENY", path);
    }
  });
});

Deno.test("the page shows amounts as people read them; the APIs keep the stored strings", async () => {
  await withDashboard(async (get) => {
    const html = await (await get("/")).text();
    const cardAt = html.indexOf('<section class="card"');
    const card = html.slice(cardAt, html.indexOf("</section>", cardAt));
    assert.match(card, /<p class="price">101\.25<\/p>/);
    assert.match(card, /<dd>30,050\.63<\/dd>/, "the moving average at the symbol's precision");
    assert.match(card, /<dd>5\.0000 BTC<\/dd>/, "the volume in the base asset");
    assert.match(card, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const whaleAt = html.indexOf('data-trade-id="2"');
    const whale = html.slice(whaleAt, html.indexOf("</li>", whaleAt));
    // Trade 2 of the fixture had a buyer as maker: a taker sold.
    assert.match(whale, /sell 2 BTC @ 60,000\.00 = 120,000\.00 USDT/);
    const { trades } = await (await get("/api/trades?limit=1&symbol=BTCUSDT")).json();
    assert.equal(trades[0].price, "101.25000000");
  });
});
