/**
 * A consumer run alone, as `deno task consume` runs it, through the faults of a managed
 * service: started before its database and broker, killed and restarted, PostgreSQL
 * crash-restarted, the broker killed and back, which can cost it its group membership. It must
 * wait and rejoin by itself, store every trade exactly once, and exit only on what no retry
 * can mend, saying which.
 */
import assert from "node:assert/strict";
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { startLocalPostgres } from "../../stack/local_postgres.ts";
import { freePort } from "../../stack/free_port.ts";
import { startSimulator } from "../../stack/simulator.ts";
import { connectDatabase } from "../../runtime/database.ts";
import { migrate } from "../../db/migrations.ts";
import { startComponent } from "../helpers/component_process.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { stableFor, waitFor } from "../helpers/wait.ts";
import {
  countTrades,
  expectedAggregates,
  expectedTrades,
  storedAggregates,
  storedTrades,
} from "../helpers/expected_trades.ts";
import { stackEnv } from "../helpers/stack_env.ts";
import { SYMBOLS } from "../helpers/dashboard_app.ts";

const WINDOW = 50;
const THRESHOLD = "100000";
const RATE = 1_000;
const TRADES_PER_SYMBOL = 45_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name: "a lone consumer at 2,000 trades/s rides out kills, a PostgreSQL crash and a broker kill",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const brokerPort = freePort();
    const brokerDir = await Deno.makeTempDir();
    let broker = await startKafkaBroker({ port: brokerPort, dataDir: brokerDir });
    const pgPort = freePort();
    const pgDir = await Deno.makeTempDir();
    let postgres = await startLocalPostgres({ port: pgPort, dataDir: pgDir });
    const sql = connectDatabase(postgres.url, { max: 1 });
    await migrate(sql);
    const simulator = await startSimulator({
      port: 0,
      symbols: SYMBOLS,
      rate: RATE,
      seed: 23,
      whaleProbability: 0.01,
      maxTradesPerSymbol: TRADES_PER_SYMBOL,
      paused: true,
    });
    const env = stackEnv({
      bootstrap: broker.bootstrap,
      databaseUrl: postgres.url,
      simulator,
      symbols: SYMBOLS,
      groupId: "rejoin",
    }, {
      KAFKA_SESSION_TIMEOUT_MS: "10000",
      MOVING_AVERAGE_WINDOW: String(WINDOW),
      WHALE_THRESHOLD: THRESHOLD,
    });
    let consumer = await startComponent("consumer.ts", "rejoin-consumer-1", env);
    const producer = await startComponent("producer.ts", "rejoin-producer", env);
    try {
      await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
      simulator.resume();
      for (const restart of [2, 3]) {
        const before = await countTrades(sql);
        await waitFor(
          "the consumer to store more",
          async () => (await countTrades(sql)) > before + 5_000,
        );
        await consumer.stop("SIGKILL");
        consumer = await startComponent("consumer.ts", `rejoin-consumer-${restart}`, env);
      }
      const before = await countTrades(sql);
      await waitFor(
        "the consumer to store again",
        async () => (await countTrades(sql)) > before + 2_000,
      );
      await postgres.crash();
      postgres = await startLocalPostgres({ port: pgPort, dataDir: pgDir });
      await pause(5_000);
      await broker.kill();
      await pause(6_000);
      broker = await startKafkaBroker({ port: brokerPort, dataDir: brokerDir });

      await waitFor(
        "the simulator to finish",
        stableFor(() => simulator.sentTrades().length, 3_000),
        120_000,
      );
      const sent = simulator.sentTrades();
      assert.equal(sent.length, SYMBOLS.length * TRADES_PER_SYMBOL);
      await waitFor(
        `${sent.length} trades stored`,
        async () => (await countTrades(sql)) >= sent.length,
        120_000,
      );
      assert.deepEqual(await storedTrades(sql), await expectedTrades(sql, sent, WINDOW, THRESHOLD));
      assert.deepEqual(await storedAggregates(sql), await expectedAggregates(sql));
      const exited = await Promise.race([consumer.status.then(() => true), pause(0)]);
      assert.equal(exited, undefined, "the consumer is still running");
    } finally {
      await producer.stop();
      await consumer.stop();
      await simulator.stop();
      await sql.end({ timeout: 5 });
      await postgres.stop();
      await broker.stop();
    }
  },
});

Deno.test({
  name: "a consumer started before its database and broker waits for both, then consumes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const pgPort = freePort();
    const pgDir = await Deno.makeTempDir();
    // Migrated beforehand, then stopped: the consumer meets a server that is simply down.
    let postgres = await startLocalPostgres({ port: pgPort, dataDir: pgDir });
    const sql = connectDatabase(postgres.url, { max: 1 });
    await migrate(sql);
    await postgres.stop();
    const brokerPort = freePort();
    const simulator = await startSimulator({
      port: 0,
      symbols: SYMBOLS,
      rate: 50,
      seed: 5,
      maxTradesPerSymbol: 100,
      paused: true,
    });
    const env = stackEnv({
      bootstrap: `127.0.0.1:${brokerPort}`,
      databaseUrl: postgres.url,
      simulator,
      symbols: SYMBOLS,
      topic: "late-start",
    });
    const consumer = await startComponent("consumer.ts", "late-start-consumer", env);
    let broker: Awaited<ReturnType<typeof startKafkaBroker>> | undefined;
    let producer: Awaited<ReturnType<typeof startComponent>> | undefined;
    try {
      await waitFor(
        "the consumer to wait for PostgreSQL",
        () => consumer.logs().some((l) => l.msg === "database check failed; retrying"),
      );
      postgres = await startLocalPostgres({ port: pgPort, dataDir: pgDir });
      await waitFor(
        "the consumer to try Kafka",
        () => consumer.logs().some((l) => String(l.msg).startsWith("kafka: Connection error")),
      );
      broker = await startKafkaBroker({ port: brokerPort, dataDir: await Deno.makeTempDir() });
      await waitFor(
        "the consumer to join",
        () => consumer.logs().some((l) => l.msg === "consuming"),
      );
      producer = await startComponent("producer.ts", "late-start-producer", env);
      await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
      simulator.resume();
      await waitFor("200 trades stored", async () => (await countTrades(sql)) === 200);
      const exited = await Promise.race([consumer.status.then(() => true), pause(0)]);
      assert.equal(exited, undefined, "the consumer is still running");
    } finally {
      await producer?.stop();
      await consumer.stop();
      await simulator.stop();
      await sql.end({ timeout: 5 });
      await postgres.stop();
      await broker?.stop();
    }
  },
});

Deno.test({
  name: "a consumer the broker refuses on configuration exits at once, saying so",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    const db = await createTestDatabase();
    try {
      // SASL asked of a listener that has none: no retry can mend that.
      const consumer = await startComponent("consumer.ts", "refused-consumer", {
        KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
        KAFKA_USERNAME: "someone",
        KAFKA_PASSWORD: "secret",
        KAFKA_SSL: "false",
        DATABASE_URL: db.url,
      });
      const status = await consumer.status;
      assert.equal(status.code, 1);
      const fatal = consumer.logs().find((l) => l.msg === "fatal");
      assert.equal(fatal?.kind, "configuration");
      assert.equal(fatal?.service, "kafka");
      assert.match(String(fatal?.error), /^kafka: the configuration is wrong: /);
    } finally {
      await db.drop();
      await broker.stop();
    }
  },
});
