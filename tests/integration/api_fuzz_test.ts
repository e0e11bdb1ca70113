/**
 * Every API parameter, the page's link, the `Last-Event-ID` header and the price-rule body,
 * fed generated hostile values on a database with history: no answer is a 500, and every
 * refusal is a 4xx whose one line names the problem.
 */
import assert from "node:assert/strict";
import { fillHistory } from "../../bench/history_fill.ts";
import { LiveHub } from "../../web/live_hub.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { dashboardApp, SYMBOLS } from "../helpers/dashboard_app.ts";
import { HOSTILE_STRINGS, hostileValues } from "../helpers/hostile_values.ts";

const ADMIN_TOKEN = "fuzz-admin-token-0123456789";
const MUTATIONS = 40;
const now = Date.now();

/** Each route's parameters, with a valid value of each to mutate and to fill the others. */
const ROUTES: Record<string, Record<string, string>> = {
  "/": {
    symbol: "ETHUSDT",
    interval: "1m",
    from: String(now - 3_600_000),
    to: String(now),
    span: "3600",
    ind: "ema:20,rsi:14",
    theme: "dark",
  },
  "/api/trades": {
    symbol: "BTCUSDT",
    limit: "100",
    since: String(now - 3_600_000),
    until: String(now),
  },
  "/api/whales": {
    symbol: "BTCUSDT",
    limit: "50",
    since: "2026-01-01T00:00:00Z",
    until: String(now),
  },
  "/api/price-alerts": {
    symbol: "BTCUSDT",
    limit: "50",
    since: String(now - 60_000),
    until: String(now),
  },
  "/api/series": { symbol: "BTCUSDT", window: "15m" },
  "/api/candles": {
    symbol: "BTCUSDT",
    interval: "1m",
    from: String(now - 7_200_000),
    to: String(now),
  },
  "/api/indicators": {
    symbol: "BTCUSDT",
    interval: "5m",
    from: String(now - 86_400_000),
    to: String(now),
    set: "sma:20,ema:12,bb:20:2,rsi:14,macd:12:26:9",
  },
  "/api/tickers": {},
  "/api/aggregates": {},
  "/api/price-rules": {},
};

/** Asserts the answer is no 500, and a refusal is a 4xx of one line naming what it refuses. */
async function assertHandled(response: Response, what: string): Promise<void> {
  const body = response.headers.get("content-type")?.includes("event-stream")
    ? (await response.body?.cancel(), "")
    : await response.text();
  assert.ok(response.status < 500, `${what}: ${response.status} ${body.slice(0, 200)}`);
  if (response.status >= 400) {
    assert.ok(response.status < 500);
    assert.match(
      body,
      /^[\w -]+: \S.*\n$/,
      `${what}: ${response.status} ${JSON.stringify(body.slice(0, 200))}`,
    );
  }
}

Deno.test("no parameter, header or body a client makes up gets a 500 or an unexplained refusal", async () => {
  await using db = await createTestDatabase();
  await fillHistory(db.sql, {
    trades: 3_000,
    days: 2,
    symbols: SYMBOLS,
    windowSize: 20,
    whaleThreshold: "100000",
    endMs: now,
  });
  const hub = new LiveHub();
  hub.publish("resync", { reason: "fuzz" });
  const app = dashboardApp({ sql: db.sql, live: hub, adminToken: ADMIN_TOKEN });
  const ask = (path: string, init?: RequestInit) =>
    app.fetch(new Request(`http://dashboard${path}`, init));
  const { mutations, random } = hostileValues(21);
  let asked = 0;

  for (const [route, params] of Object.entries(ROUTES)) {
    // Each parameter in turn, the others valid; then every parameter hostile at once.
    const names = [...Object.keys(params), "unknown"];
    for (const name of names) {
      const values = [...HOSTILE_STRINGS, ...mutations(params[name] ?? "x", MUTATIONS)];
      for (const value of values) {
        const query = new URLSearchParams({ ...params, [name]: value });
        await assertHandled(
          await ask(`${route}?${query}`),
          `${route} ${name}=${JSON.stringify(value.slice(0, 60))}`,
        );
        asked++;
      }
    }
    for (let i = 0; i < MUTATIONS; i++) {
      const query = new URLSearchParams();
      for (const name of names) {
        const pool = [...HOSTILE_STRINGS, ...mutations(params[name] ?? "x", 1)];
        query.append(name, pool[Math.floor(random() * pool.length)]);
        if (random() < 0.2) query.append(name, params[name] ?? "y");
      }
      await assertHandled(
        await ask(`${route}?${query}`),
        `${route}?${query.toString().slice(0, 120)}`,
      );
      asked++;
    }
  }

  const encoded = (value: string) => {
    try {
      return encodeURIComponent(value);
    } catch {
      return undefined; // a lone surrogate: no URL carries it
    }
  };
  for (const value of [...HOSTILE_STRINGS, ...mutations("1", MUTATIONS), "%", "%ZZ", "%E0%A4%A"]) {
    // Encoded, and as it came (a client may send a malformed escape).
    for (const path of [encoded(value), /^[\x21-\x7e]*$/.test(value) ? value : undefined]) {
      if (path === undefined) continue;
      await assertHandled(await ask(`/api/price-rules/${path}`), `rule ${path.slice(0, 40)}`);
      asked++;
    }
    const headers = new Headers();
    try {
      headers.set("last-event-id", value);
    } catch {
      continue; // not a value a header can carry
    }
    await assertHandled(
      await ask("/api/stream", { headers }),
      `Last-Event-ID ${JSON.stringify(value.slice(0, 40))}`,
    );
    asked++;
  }

  // The price-rule body: each field hostile (as text, number, or another type), fields missing
  // or unknown, and bodies that are no JSON object at all.
  const valid: Record<string, string> = {
    symbol: "BTCUSDT",
    kind: "crosses",
    level: "70000",
    direction: "up",
    percent: "2",
    window: "5m",
    frequency: "15m",
  };
  const typed = (text: string) => {
    const roll = random();
    if (roll < 0.6) return text;
    if (roll < 0.75) return Number(text);
    if (roll < 0.85) return [text];
    if (roll < 0.95) return { value: text };
    return null;
  };
  const post = (body: string) =>
    ask("/api/price-rules", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body,
    });
  for (const field of [...Object.keys(valid), "unknown"]) {
    for (const value of [...HOSTILE_STRINGS, ...mutations(valid[field] ?? "x", MUTATIONS)]) {
      const rule: Record<string, unknown> = {
        ...valid,
        kind: random() < 0.5 ? "crosses" : "moves",
      };
      rule[field] = typed(value);
      if (random() < 0.2) delete rule[Object.keys(valid)[Math.floor(random() * 7)]];
      await assertHandled(
        await post(JSON.stringify(rule)),
        `body ${field}=${JSON.stringify(value.slice(0, 40))}`,
      );
      asked++;
    }
  }
  for (
    const body of [
      "",
      "null",
      "[]",
      "42",
      '"rule"',
      "{",
      '{"symbol":',
      "\u0000",
      "{}".repeat(50_000),
    ]
  ) {
    await assertHandled(await post(body), `body ${JSON.stringify(body.slice(0, 40))}`);
    asked++;
  }
  assert.ok(asked > 5_000, `${asked} requests`);
});
