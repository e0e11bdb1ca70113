/**
 * The whole pipeline on real parts: the simulator, a Kafka broker, PostgreSQL, and the
 * producer and consumer as child processes. The database is compared row by row with an
 * independent computation over what the simulator sent.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { freePort } from "../../stack/free_port.ts";
import { startSimulator } from "../../stack/simulator.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test_database.ts";
import { startComponent } from "../helpers/component_process.ts";
import { stableFor, waitFor } from "../helpers/wait.ts";
import {
  countTrades,
  expectedAggregates,
  expectedTrades,
  storedAggregates,
  storedTrades,
} from "../helpers/expected_trades.ts";
import { stackEnv } from "../helpers/stack_env.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const WINDOW = 7;
const THRESHOLD = "25000.5";
const TRADES_PER_SYMBOL = 1_200;

async function sendRaw(bootstrap: string, topic: string, values: string[]) {
  const producer = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ key: "BTCUSDT", value })) });
  await producer.disconnect();
}

async function readTopic(bootstrap: string, topic: string, expected: number) {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${crypto.randomUUID()}` });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      values.push(message.value!.toString());
      return Promise.resolve();
    },
  });
  try {
    await waitFor(`${expected} messages on ${topic}`, () => values.length >= expected, 30_000);
    // Anything beyond the expected count would arrive promptly too.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await consumer.disconnect();
  }
  return values;
}

Deno.test({
  name: "the pipeline end to end",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    const topic = `trades-${crypto.randomUUID().slice(0, 8)}`;
    const simulator = await startSimulator({
      port: 0,
      symbols: SYMBOLS,
      rate: 120,
      seed: 7,
      whaleProbability: 0.03,
      duplicateProbability: 0.05,
      malformedProbability: 0.02,
      maxTradesPerSymbol: TRADES_PER_SYMBOL,
      paused: true,
    });
    const databases: TestDatabase[] = [];
    const env = (db: TestDatabase, groupId: string) =>
      stackEnv({
        bootstrap: broker.bootstrap,
        databaseUrl: db.url,
        simulator,
        symbols: SYMBOLS,
        topic,
        groupId,
      }, {
        MOVING_AVERAGE_WINDOW: String(WINDOW),
        WHALE_THRESHOLD: THRESHOLD,
        BINANCE_WS_URL: `${simulator.url}/ws`,
        SILENCE_TIMEOUT_MS: "5000",
        LOG_LEVEL: "info",
      });
    try {
      const live = await createTestDatabase();
      databases.push(live);

      await t.step(
        "every trade sent is stored exactly once through duplicates, bad frames, a dropped connection and a killed consumer",
        async () => {
          let consumer = await startComponent("consumer.ts", "e2e-consumer-1", env(live, "live"));
          const producerMetrics = freePort();
          const producer = await startComponent("producer.ts", "e2e-producer", {
            ...env(live, "live"),
            METRICS_PORT: String(producerMetrics),
          });
          await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
          simulator.resume();
          await sendRaw(broker.bootstrap, topic, ["not json", '{"v":2,"symbol":"BTCUSDT"}']);

          await waitFor(
            "a third of the trades",
            () => simulator.sentTrades().length > TRADES_PER_SYMBOL,
          );
          simulator.dropConnections();
          await waitFor(
            "half of the trades stored",
            async () => (await countTrades(live.sql)) > TRADES_PER_SYMBOL * 1.5,
          );
          await consumer.stop("SIGKILL");
          // A day past the 30-day retention, which the next consumer drops as it starts.
          const [{ expired }] = await live.sql`
            select trade_partition_name(current_date - 40) as expired,
              ensure_trade_partitions(array[current_date - 40])
          `;
          await live.sql`
            insert into trades (symbol, trade_id, price, quantity, trade_time, trade_value,
              is_buyer_maker, moving_average, is_whale_trade)
            values ('OLDUSDT', 1, 1, 1, now() - interval '40 days', 1, false, 1, false)
          `;
          const consumerMetrics = freePort();
          consumer = await startComponent("consumer.ts", "e2e-consumer-2", {
            ...env(live, "live"),
            METRICS_PORT: String(consumerMetrics),
          });
          await waitFor(
            "the expired partition dropped while trades stream in",
            async () =>
              (await live.sql`select 1 from trade_partitions where partition = ${expired}`)
                .length === 0,
          );

          await waitFor(
            "the simulator to finish",
            stableFor(() => simulator.sentTrades().length, 3_000),
            90_000,
          );
          const sent = simulator.sentTrades();
          assert.equal(
            sent.length,
            SYMBOLS.length * TRADES_PER_SYMBOL,
            "the trades the dropped connection missed were recovered over REST",
          );
          await waitFor(
            `${sent.length} trades stored`,
            async () => (await countTrades(live.sql)) >= sent.length,
            60_000,
          );

          assert.deepEqual(
            await storedTrades(live.sql),
            await expectedTrades(live.sql, sent, WINDOW, THRESHOLD),
          );
          assert.deepEqual(await storedAggregates(live.sql), await expectedAggregates(live.sql));
          const [{ whales }] = await live
            .sql`select count(*)::int as whales from trades where is_whale_trade`;
          assert.ok(whales > 0, "the feed held whale trades");

          const expectedLetters = simulator.sentMalformed() + 2;
          const letters = (await readTopic(broker.bootstrap, `${topic}.dlq`, expectedLetters))
            .map((l) => JSON.parse(l));
          for (const letter of letters) {
            assert.ok(letter.reason.length > 0 && typeof letter.raw === "string");
          }
          assert.equal(
            letters.filter((l) => l.stage === "producer").length,
            simulator.sentMalformed(),
            "every bad frame is dead-lettered once",
          );
          // The dead-letter topic is at-least-once for the consumer: a batch redelivered after
          // the kill writes its letters again, with the same source.
          const fromConsumer = new Map(
            letters.filter((l) => l.stage === "consumer")
              .map((l) => [JSON.stringify(l.source), [l.raw, l.reason]]),
          );
          assert.deepEqual(
            [...fromConsumer.values()].sort(),
            [["not json", "value is not JSON"], [
              '{"v":2,"symbol":"BTCUSDT"}',
              "unknown event version 2",
            ]],
            "messages the consumer cannot decode are dead-lettered with the reason",
          );
          // What happened is in each component's metrics.
          const scrape = async (port: number) => {
            const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
            return (name: string) => {
              const line = text.split("\n").find((l) => l.startsWith(`${name} `));
              assert.ok(line, `${name} in\n${text}`);
              return Number(line.split(" ")[1]);
            };
          };
          const producerMetric = await scrape(producerMetrics);
          assert.ok(
            producerMetric("producer_trades_total") >= sent.length - producerMetric(
                  "producer_trades_recovered_total",
                ),
          );
          assert.ok(producerMetric("producer_websocket_disconnects_total") >= 1, "the drop");
          assert.ok(producerMetric("producer_gaps_found_total") >= 1);
          assert.ok(producerMetric("producer_trades_recovered_total") > 0);
          assert.equal(producerMetric("producer_trades_lost_total"), 0);
          assert.equal(
            producerMetric("producer_frames_rejected_total"),
            simulator.sentMalformed(),
          );
          const consumerMetric = await scrape(consumerMetrics);
          assert.ok(consumerMetric("consumer_messages_total") > 0);
          assert.ok(consumerMetric("consumer_batch_processing_seconds_count") > 0);
          assert.equal(
            consumerMetric("consumer_batch_processing_seconds_count"),
            consumerMetric("consumer_batches_total"),
          );
          const lagLines = (await (await fetch(`http://127.0.0.1:${consumerMetrics}/metrics`))
            .text()).split("\n").filter((l) => l.startsWith("consumer_kafka_lag{"));
          assert.ok(lagLines.length > 0, "lag per partition");
          assert.ok(lagLines.every((l) => l.endsWith(" 0")), `caught up: ${lagLines}`);
          const producerStatus = await producer.stop("SIGTERM");
          assert.equal(producerStatus.code, 0, "the producer stops cleanly");
          const messages = producer.logs().map((l) => l.msg);
          assert.ok(messages.includes("connection closed; reconnecting"));
          assert.ok(messages.includes("gap recovered"));
          assert.equal((await consumer.stop("SIGTERM")).code, 0, "the consumer stops cleanly");
          const stopped = consumer.logs().find((l) => l.msg === "stopped");
          assert.ok(
            stopped && (stopped.consumed as number) <= sent.length + simulator.sentDuplicates() + 2,
            `the consumer reads each message about once: ${JSON.stringify(stopped)}`,
          );
        },
      );

      await t.step(
        "a consumer killed at random instants leaves the database of an uninterrupted run",
        async () => {
          const steady = await createTestDatabase();
          const crashed = await createTestDatabase();
          databases.push(steady, crashed);
          const uninterrupted = await startComponent(
            "consumer.ts",
            "e2e-steady",
            env(steady, "steady"),
          );
          const total = await countTrades(live.sql);
          // Small batches, so kills land between and inside many transactions; a short session
          // lets the group hand a killed member's partitions on quickly.
          const crashing = {
            ...env(crashed, "crashed"),
            CONSUMER_MAX_BATCH_BYTES: "2048",
            KAFKA_SESSION_TIMEOUT_MS: "6000",
          };
          const killedAt: number[] = [];
          for (let kill = 1; kill <= 5; kill++) {
            const victim = await startComponent("consumer.ts", `e2e-crashed-${kill}`, crashing);
            const before = await countTrades(crashed.sql);
            await waitFor(
              "the consumer to store something",
              async () => (await countTrades(crashed.sql)) > before,
            );
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
            await victim.stop("SIGKILL");
            killedAt.push(await countTrades(crashed.sql));
          }
          assert.ok(
            killedAt.filter((n) => n < total).length >= 3,
            `kills landed mid-stream, with ${killedAt} of ${total} trades stored`,
          );
          const last = await startComponent("consumer.ts", "e2e-crashed-last", crashing);
          await waitFor(
            "both copies complete",
            async () =>
              (await countTrades(steady.sql)) === total &&
              (await countTrades(crashed.sql)) === total,
          );
          const reference = await storedTrades(live.sql);
          assert.deepEqual(await storedTrades(crashed.sql), reference);
          assert.deepEqual(await storedTrades(steady.sql), reference);
          assert.deepEqual(await storedAggregates(crashed.sql), await storedAggregates(live.sql));
          await uninterrupted.stop();
          await last.stop();
        },
      );
    } finally {
      await simulator.stop();
      for (const db of databases) await db.drop();
      await broker.stop();
    }
  },
});
