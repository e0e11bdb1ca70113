/**
 * The pipeline through the failures its users meet: a connection renewed before Binance's cut,
 * a feed gone silent, PostgreSQL down, and the Kafka broker down. After each, the database must
 * equal the independent computation over every trade the simulator generated.
 */
import assert from "node:assert/strict";
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { startLocalPostgres } from "../../stack/local_postgres.ts";
import { freePort } from "../../stack/free_port.ts";
import { type Simulator, startSimulator } from "../../stack/simulator.ts";
import { connectDatabase, type Sql } from "../../runtime/database.ts";
import { migrate } from "../../db/migrations.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { startComponent } from "../helpers/component_process.ts";
import { stableFor, waitFor } from "../helpers/wait.ts";
import {
  expectedAggregates,
  expectedTrades,
  storedAggregates,
  storedTrades,
} from "../helpers/expected_trades.ts";
import { stackEnv } from "../helpers/stack_env.ts";

const WINDOW = 20;
const THRESHOLD = "100000";
const SYMBOLS = ["BNBUSDT", "DOGEUSDT"];

function pipelineEnv(bootstrap: string, databaseUrl: string, simulator: Simulator) {
  return stackEnv({ bootstrap, databaseUrl, simulator, symbols: SYMBOLS, groupId: "recovery" }, {
    MOVING_AVERAGE_WINDOW: String(WINDOW),
    WHALE_THRESHOLD: THRESHOLD,
  });
}

async function count(sql: Sql): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from trades`;
  return n;
}

/** Waits for the simulator to finish, then for the database to hold all it generated. */
async function assertComplete(sql: Sql, simulator: Simulator, perSymbol: number) {
  await waitFor("the simulator to finish", stableFor(() => simulator.sentTrades().length, 2_000));
  const sent = simulator.sentTrades();
  assert.equal(sent.length, SYMBOLS.length * perSymbol, "every generated trade reached a client");
  await waitFor(`${sent.length} trades stored`, async () => (await count(sql)) >= sent.length);
  assert.deepEqual(await storedTrades(sql), await expectedTrades(sql, sent, WINDOW, THRESHOLD));
  assert.deepEqual(await storedAggregates(sql), await expectedAggregates(sql));
}

async function simulate(perSymbol: number, rate = 40): Promise<Simulator> {
  return await startSimulator({
    port: 0,
    symbols: SYMBOLS,
    rate,
    seed: 11,
    whaleProbability: 0.02,
    maxTradesPerSymbol: perSymbol,
    paused: true,
  });
}

Deno.test({
  name: "the pipeline recovers from failures without losing or doubling a trade",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const brokerPort = freePort();
    const brokerDir = await Deno.makeTempDir();
    let broker = await startKafkaBroker({ port: brokerPort, dataDir: brokerDir });
    try {
      await t.step("the connection is renewed before its age limit and after silence", async () => {
        const db = await createTestDatabase();
        const simulator = await simulate(250);
        const env = {
          ...pipelineEnv(broker.bootstrap, db.url, simulator),
          CONNECTION_MAX_AGE_MS: "1500",
          SILENCE_TIMEOUT_MS: "1000",
        };
        const consumer = await startComponent("consumer.ts", "recovery-renew-consumer", env);
        const producer = await startComponent("producer.ts", "recovery-renew-producer", env);
        try {
          await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
          simulator.resume();
          await waitFor(
            "a renewal",
            () => producer.logs().some((l) => l.msg === "renewing connection"),
          );
          simulator.pause();
          await waitFor(
            "the silent connection to be replaced",
            () => producer.logs().some((l) => l.msg === "connection silent; reconnecting"),
          );
          await waitFor("the producer to reconnect", () => simulator.connectionCount() > 0);
          simulator.resume();
          await assertComplete(db.sql, simulator, 250);
          const renewals = producer.logs().filter((l) => l.msg === "renewing connection").length;
          assert.ok(renewals >= 2, `renewed ${renewals} times`);
        } finally {
          await producer.stop();
          await consumer.stop();
          await simulator.stop();
          await db.drop();
        }
      });

      await t.step(
        "a producer stopped for 10 s and restarted recovers what it missed from its topic's end",
        async () => {
          const db = await createTestDatabase();
          // 30 s of trades: live ones still come after the restart, and reveal the gap.
          const simulator = await simulate(1_200);
          const env = pipelineEnv(broker.bootstrap, db.url, simulator);
          const consumer = await startComponent("consumer.ts", "recovery-restart-consumer", env);
          let producer = await startComponent("producer.ts", "recovery-restart-producer-1", env);
          try {
            await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
            simulator.resume();
            await waitFor("some trades stored", async () => (await count(db.sql)) > 100);
            assert.equal((await producer.stop("SIGTERM")).code, 0);
            // The market goes on while no producer listens.
            await new Promise((resolve) => setTimeout(resolve, 10_000));
            producer = await startComponent("producer.ts", "recovery-restart-producer-2", env);
            await assertComplete(db.sql, simulator, 1_200);
            const resumed = producer.logs().find((l) =>
              l.msg === "resuming after the trades already published"
            );
            assert.deepEqual(Object.keys(resumed?.lastTradeIds ?? {}).sort(), SYMBOLS);
            assert.ok(producer.logs().some((l) => l.msg === "gap recovered"));
          } finally {
            await producer.stop();
            await consumer.stop();
            await simulator.stop();
            await db.drop();
          }
        },
      );

      await t.step("the consumer waits out a PostgreSQL outage and skips nothing", async () => {
        const port = freePort();
        const dataDir = await Deno.makeTempDir();
        let server = await startLocalPostgres({ port, dataDir });
        const sql = connectDatabase(server.url, { max: 1 });
        await migrate(sql);
        const simulator = await simulate(300);
        const env = pipelineEnv(broker.bootstrap, server.url, simulator);
        const consumer = await startComponent("consumer.ts", "recovery-pg-consumer", env);
        const producer = await startComponent("producer.ts", "recovery-pg-producer", env);
        try {
          await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
          simulator.resume();
          await waitFor("some trades stored", async () => (await count(sql)) > 100);
          await server.stop();
          await waitFor(
            "the consumer to notice",
            () => consumer.logs().some((l) => l.msg === "store failed; retrying"),
          );
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          server = await startLocalPostgres({ port, dataDir });
          await assertComplete(sql, simulator, 300);
        } finally {
          await producer.stop();
          await consumer.stop();
          await simulator.stop();
          await sql.end({ timeout: 5 });
          await server.stop();
        }
      });

      await t.step(
        "the producer holds trades while Kafka is down and delivers them after",
        async () => {
          const db = await createTestDatabase();
          const simulator = await simulate(300);
          const env = pipelineEnv(broker.bootstrap, db.url, simulator);
          const consumer = await startComponent("consumer.ts", "recovery-kafka-consumer", env);
          const producer = await startComponent("producer.ts", "recovery-kafka-producer", env);
          try {
            await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
            simulator.resume();
            await waitFor("some trades stored", async () => (await count(db.sql)) > 100);
            await broker.stop();
            // Kafka is gone: the producer holds what arrives until the broker is back.
            const seen = producer.logs().length;
            await waitFor(
              "the producer to buffer",
              () =>
                producer.logs().slice(seen).some((l) =>
                  l.msg === "status" && (l.buffered as number) > 50
                ),
            );
            broker = await startKafkaBroker({ port: brokerPort, dataDir: brokerDir });
            await assertComplete(db.sql, simulator, 300);
          } finally {
            await producer.stop();
            await consumer.stop();
            await simulator.stop();
            await db.drop();
          }
        },
      );
    } finally {
      await broker.stop();
    }
  },
});
