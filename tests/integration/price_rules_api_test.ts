/**
 * The price rule API on a real PostgreSQL: reading needs nothing, changing needs the admin
 * token, and every bad request is refused with a status and one line naming the problem.
 */
import assert from "node:assert/strict";
import { MAX_RULES_PER_SYMBOL } from "../../web/price_rule_queries.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test_database.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";

const TOKEN = "s3cret-admin-token-0123456789";

type Call = (method: string, path: string, init?: { token?: string; body?: unknown }) => Promise<
  Response
>;

/** A dashboard on a fresh database, with `adminToken` (or none), and a way to call it. */
async function withApi(
  adminToken: string | undefined,
  fn: (call: Call, db: TestDatabase) => Promise<void>,
) {
  const db = await createTestDatabase();
  try {
    const app = dashboardApp({
      log: quietLog,
      sql: db.sql,
      symbols: SYMBOLS,
      adminToken,
    });
    const call: Call = (method, path, { token, body } = {}) => {
      const headers = new Headers();
      if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
      if (body !== undefined) headers.set("content-type", "application/json");
      return Promise.resolve(app.fetch(
        new Request(`http://dashboard${path}`, {
          method,
          headers,
          body: body === undefined
            ? undefined
            : typeof body === "string"
            ? body
            : JSON.stringify(body),
        }),
      ));
    };
    await fn(call, db);
  } finally {
    await db.drop();
  }
}

/** Asserts `response` has `status` and a body matching `reason`. */
async function refused(response: Response, status: number, reason: RegExp) {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.match(text, reason);
}

Deno.test("a rule is created, read and deleted with the admin token", async () => {
  await withApi(TOKEN, async (call, db) => {
    const created = await call("POST", "/api/price-rules", {
      token: TOKEN,
      body: { symbol: "btcusdt", kind: "crosses", level: "70000.5", direction: "up" },
    });
    assert.equal(created.status, 201);
    const { rule } = await created.json();
    assert.equal(created.headers.get("location"), `/api/price-rules/${rule.id}`);
    assert.deepEqual(
      [rule.symbol, rule.kind, rule.direction, rule.level, rule.percent, rule.firedCount],
      ["BTCUSDT", "crosses", "up", "70000.50000000", null, 0],
    );
    assert.deepEqual([rule.frequency, rule.frequencySeconds], ["every", null], "the default");
    const moves = await call("POST", "/api/price-rules", {
      token: TOKEN,
      body: { symbol: "ETHUSDT", kind: "moves", percent: "2.5", window: "90m", frequency: "15m" },
    });
    assert.equal(moves.status, 201);
    const { rule: move } = await moves.json();
    assert.deepEqual(
      [move.direction, move.percent, move.windowSeconds, move.frequency, move.frequencySeconds],
      ["any", "2.5000", 5_400, "interval", 900],
    );
    const onceAnswer = await call("POST", "/api/price-rules", {
      token: TOKEN,
      body: { symbol: "ETHUSDT", kind: "crosses", level: "3000", frequency: "once" },
    });
    const { rule: once } = await onceAnswer.json();
    assert.deepEqual([once.frequency, once.frequencySeconds], ["once", null]);
    assert.equal(
      (await call("DELETE", `/api/price-rules/${once.id}`, { token: TOKEN })).status,
      204,
    );

    const { rules } = await (await call("GET", "/api/price-rules")).json();
    assert.deepEqual(rules.map((r: { id: string }) => r.id), [rule.id, move.id]);
    assert.equal(
      (await (await call("GET", `/api/price-rules/${rule.id}`)).json()).rule.id,
      rule.id,
    );

    const [{ side }] = await db.sql`select side from price_rules where id = ${rule.id}`;
    assert.equal(side, null, "no trade stored yet: the first price sets the side");

    const deleted = await call("DELETE", `/api/price-rules/${rule.id}`, { token: TOKEN });
    assert.equal(deleted.status, 204);
    await refused(
      await call("DELETE", `/api/price-rules/${rule.id}`, { token: TOKEN }),
      404,
      new RegExp(`^id: there is no price rule ${rule.id}\n$`),
    );
    await refused(await call("GET", `/api/price-rules/${rule.id}`), 404, /no price rule/);
    const after = await (await call("GET", "/api/price-rules")).json();
    assert.deepEqual(after.rules.map((r: { id: string }) => r.id), [move.id]);
    const { alerts } = await (await call("GET", "/api/price-alerts?symbol=ETHUSDT")).json();
    assert.deepEqual(alerts, []);
  });
});

Deno.test("a missing or wrong token is a 401, and no token configured a 403", async () => {
  const body = { symbol: "BTCUSDT", kind: "crosses", level: "1" };
  await withApi(TOKEN, async (call) => {
    const missing = await call("POST", "/api/price-rules", { body });
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer /);
    await refused(missing, 401, /^authorization: changing price rules needs the header/);
    const wrong = await call("POST", "/api/price-rules", { token: `${TOKEN}x`, body });
    assert.match(wrong.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    await refused(wrong, 401, /^authorization: the token is not the dashboard's admin token\n$/);
    await refused(await call("DELETE", "/api/price-rules/1"), 401, /^authorization: /);
  });
  await withApi(undefined, async (call) => {
    await refused(
      await call("POST", "/api/price-rules", { token: TOKEN, body }),
      403,
      /^price rules are read-only here: the dashboard has no DASHBOARD_ADMIN_TOKEN\n$/,
    );
    assert.equal((await call("GET", "/api/price-rules")).status, 200, "reading needs no token");
  });
});

Deno.test("a malformed rule is refused naming the field", async () => {
  await withApi(TOKEN, async (call) => {
    const cases: [unknown, number, RegExp][] = [
      ["{", 400, /^body: is not JSON\n$/],
      [[1], 400, /^body: is not a JSON object\n$/],
      [
        { symbol: "BTCUSDT", kind: "above", level: "1" },
        400,
        /^kind: "above" is not crosses or moves/,
      ],
      [
        { symbol: "DOGEUSDT", kind: "crosses", level: "1" },
        400,
        /^symbol: "DOGEUSDT" is not one of BTCUSDT, ETHUSDT\n$/,
      ],
      [{ kind: "crosses", level: "1" }, 400, /^symbol: is required, one of BTCUSDT, ETHUSDT\n$/],
      [{ symbol: "BTCUSDT", kind: "crosses" }, 400, /^level: is required\n$/],
      [
        { symbol: "BTCUSDT", kind: "crosses", level: 123456789012.12345678 },
        400,
        /^level: 123456789012\.12346 must be a decimal string, such as "123456789012\.12346": a JSON number may be rounded\n$/,
      ],
      [{ symbol: "BTCUSDT", level: "1" }, 400, /^kind: is required, crosses or moves\n$/],
      [{ symbol: "BTCUSDT", kind: "crosses", level: "-5" }, 400, /^level: "-5" is not a decimal/],
      [{ symbol: "BTCUSDT", kind: "crosses", level: "0" }, 400, /^level: is not positive\n$/],
      [{ symbol: "BTCUSDT", kind: "crosses", level: "1.123456789" }, 400, /^level: /],
      [
        { symbol: "BTCUSDT", kind: "crosses", levle: "1" },
        400,
        /^levle: is not a field of a crosses rule/,
      ],
      [
        { symbol: "BTCUSDT", kind: "crosses", level: "1", direction: "sideways" },
        400,
        /^direction: "sideways" is not up, down or any\n$/,
      ],
      [{ symbol: "BTCUSDT", kind: "moves", percent: "2" }, 400, /^window: is required/],
      [
        { symbol: "BTCUSDT", kind: "moves", percent: "0", window: "5m" },
        400,
        /^percent: "0" is not a number above 0/,
      ],
      [
        { symbol: "BTCUSDT", kind: "moves", percent: "2", window: "30s" },
        400,
        /^window: "30s" is not minutes or hours from 1m to 24h/,
      ],
      [{ symbol: "BTCUSDT", kind: "moves", percent: "2", window: "25h" }, 400, /^window: "25h"/],
      [
        { symbol: "BTCUSDT", kind: "moves", percent: "2", window: "5m", level: "1" },
        400,
        /^level: is not a field of a moves rule/,
      ],
      [
        { symbol: "BTCUSDT", kind: "crosses", level: "1", frequency: "twice" },
        400,
        /^frequency: "twice" is not every, once, or minutes or hours from 1m to 24h, such as 15m\n$/,
      ],
      [
        { symbol: "BTCUSDT", kind: "crosses", level: "1", frequency: "30s" },
        400,
        /^frequency: "30s" is not every, once/,
      ],
      [
        { symbol: "BTCUSDT", kind: "crosses", level: "1", frequency: 60 },
        400,
        /^frequency: 60 is not every, once/,
      ],
      [
        `{"symbol":"BTCUSDT","kind":"crosses","level":"${"1".repeat(5_000)}"}`,
        413,
        /^body: is over 4096 bytes\n$/,
      ],
    ];
    for (const [body, status, reason] of cases) {
      await refused(await call("POST", "/api/price-rules", { token: TOKEN, body }), status, reason);
    }
    const typed = await call("POST", "/api/price-rules", { token: TOKEN });
    await refused(typed, 415, /^body: must be application\/json, not ""\n$/);
    await refused(
      await call("GET", "/api/price-rules/abc"),
      400,
      /^id: "abc" is not a price rule id\n$/,
    );
    await refused(await call("GET", "/api/price-alerts?limit=0"), 400, /^limit: /);
    const { rules } = await (await call("GET", "/api/price-rules")).json();
    assert.deepEqual(rules, [], "nothing was created");
  });
});

Deno.test("a symbol takes at most its share of rules", async () => {
  await withApi(TOKEN, async (call) => {
    const body = { symbol: "ETHUSDT", kind: "crosses", level: "3000" };
    for (let i = 0; i < MAX_RULES_PER_SYMBOL; i++) {
      const response = await call("POST", "/api/price-rules", { token: TOKEN, body });
      assert.equal(response.status, 201);
      await response.body?.cancel();
    }
    await refused(
      await call("POST", "/api/price-rules", { token: TOKEN, body }),
      409,
      /^symbol: ETHUSDT already has 100 price rules; delete one\n$/,
    );
    const other = await call("POST", "/api/price-rules", {
      token: TOKEN,
      body: { ...body, symbol: "BTCUSDT" },
    });
    assert.equal(other.status, 201, "another symbol still may");
    await other.body?.cancel();
    const { rules } = await (await call("GET", "/api/price-rules")).json();
    assert.equal(rules[0].symbol, "BTCUSDT", "by symbol");
    const ids = rules.slice(1).map((r: { id: string }) => Number(r.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "then oldest first (id 10 after 9)");
  });
});
