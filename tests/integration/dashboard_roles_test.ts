/**
 * The dashboard on database roles that may do only what docs/deployment.md grants them: a
 * read-only role serves every read path, and roles made before migration 006 (which added the
 * `live_price_rules` view) still read, create and delete rules after it.
 */
import assert from "node:assert/strict";
import { planBatch } from "../../domain/batch_plan.ts";
import { storeTrades } from "../../pipeline/trade_store.ts";
import { connectDatabase, type Sql } from "../../runtime/database.ts";
import { migrate } from "../../db/migrations.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";

/** The tables the read-only role of docs/deployment.md could read before migration 006. */
const READ_TABLES =
  "trades, trade_aggregates, candles, trade_partitions, pipeline_status, trade_gaps, alerts, " +
  "price_rules, price_alerts";

/**
 * Makes a login role on `db` with connect and schema usage, runs `grant` (given its quoted
 * name), then `fn` on a pool as that role; drops the role after.
 */
async function asRole(
  db: TestDatabase,
  grant: (role: string) => Promise<unknown>,
  fn: (sql: Sql) => Promise<void>,
) {
  const role = `role_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const quoted = `"${role}"`;
  await db.sql.unsafe(`create role ${quoted} login`);
  try {
    await db.sql.unsafe(
      `grant connect on database "${new URL(db.url).pathname.slice(1)}" to ${quoted}`,
    );
    await db.sql.unsafe(`grant usage on schema public to ${quoted}`);
    await grant(quoted);
    const url = new URL(db.url);
    url.username = role;
    const sql = connectDatabase(url.toString(), { max: 1 });
    try {
      await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await db.sql.unsafe(`drop owned by ${quoted}`);
    await db.sql.unsafe(`drop role ${quoted}`);
  }
}

Deno.test("the dashboard works with a role that may only read", async () => {
  const db = await createTestDatabase();
  try {
    const plan = planBatch(
      [tradeEvent(1, "100.5", "2"), tradeEvent(7, "3000.1", "0.5", "ETHUSDT")],
      new Map(),
      2,
      "100000",
    );
    await storeTrades(db.sql, plan.rows, 2, plan.windowEnds);
    await asRole(
      db,
      (role) => db.sql.unsafe(`grant select on ${READ_TABLES}, live_price_rules to ${role}`),
      async (reader) => {
        const app = dashboardApp({ log: quietLog, sql: reader, symbols: SYMBOLS });
        for (
          const path of [
            "/",
            "/api/trades",
            "/api/whales",
            "/api/aggregates",
            "/api/series?symbol=BTCUSDT",
            "/api/candles?symbol=BTCUSDT",
            "/api/indicators?symbol=BTCUSDT&set=ema,rsi",
            "/api/price-rules",
            "/api/price-alerts",
            "/metrics",
            "/healthz",
          ]
        ) {
          const response = await app.fetch(new Request(`http://dashboard${path}`));
          assert.equal(response.status, 200, path);
          await response.body?.cancel();
        }
        const metrics = await (await app.fetch(new Request("http://dashboard/metrics"))).text();
        assert.match(metrics, /^dashboard_database_up 1$/m, "storage is readable too");
        await assert.rejects(reader`delete from trades`, /permission denied/);
      },
    );
  } finally {
    await db.drop();
  }
});

Deno.test("roles made before migration 006 still read, create and delete rules after it", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    await migrate(db.sql, "005");
    // The grants docs/deployment.md gave before the view existed, reading and changing rules.
    const grantBefore006 = async (role: string) => {
      await db.sql.unsafe(`grant select on ${READ_TABLES} to ${role}`);
      await db.sql.unsafe(`grant insert, update on price_rules to ${role}`);
      await db.sql.unsafe(`grant usage on sequence price_rules_id_seq to ${role}`);
      await migrate(db.sql);
    };
    await asRole(db, grantBefore006, async (writer) => {
      const token = "s3cret-admin-token-0123456789";
      const app = dashboardApp({ log: quietLog, sql: writer, symbols: SYMBOLS, adminToken: token });
      const call = (method: string, path: string, body?: unknown) =>
        app.fetch(
          new Request(`http://dashboard${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        );
      const created = await call("POST", "/api/price-rules", {
        symbol: "BTCUSDT",
        kind: "crosses",
        level: "1",
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { rule } = await created.json();
      const listed = await call("GET", "/api/price-rules");
      assert.deepEqual((await listed.json()).rules.map((r: { id: string }) => r.id), [rule.id]);
      const deleted = await call("DELETE", `/api/price-rules/${rule.id}`);
      assert.equal(deleted.status, 204, await deleted.clone().text());
      assert.equal((await call("DELETE", `/api/price-rules/${rule.id}`)).status, 404);
    });
  } finally {
    await db.drop();
  }
});
