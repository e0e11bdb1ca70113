/**
 * Three brokers under a live rate of 2,000 trades a second: the leader of a trade partition is
 * killed and restarted, then two brokers are down at once for 15 s, which leaves no partition
 * writable (a write needs two replicas in sync) and the controllers without a majority. The
 * producer holds what it cannot write and goes on when one broker returns; the database ends
 * equal to the feed, every trade once.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startKafkaCluster } from "../../stack/kafka_cluster.ts";
import { freePort } from "../../stack/free_port.ts";
import { startSimulator } from "../../stack/simulator.ts";
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
const TRADES_PER_SYMBOL = 50_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test({
  name:
    "three brokers: a partition leader killed, then two brokers down for 15 s, at 2,000 trades/s",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = new AsyncDisposableStack();
    const cluster = await startKafkaCluster({
      ports: [freePort(), freePort(), freePort()],
      dataDir: await Deno.makeTempDir({ prefix: "kafka-cluster-" }),
    });
    stack.defer(() => cluster.stop());
    const db = await createTestDatabase();
    stack.defer(() => db.drop());
    const simulator = await startSimulator({
      port: 0,
      symbols: SYMBOLS,
      rate: 1_000,
      seed: 41,
      whaleProbability: 0.01,
      maxTradesPerSymbol: TRADES_PER_SYMBOL,
      paused: true,
    });
    stack.defer(() => simulator.stop());
    const env = stackEnv({
      bootstrap: cluster.bootstrap,
      databaseUrl: db.url,
      simulator,
      symbols: SYMBOLS,
      groupId: "cluster",
    }, {
      KAFKA_SESSION_TIMEOUT_MS: "10000",
      MOVING_AVERAGE_WINDOW: String(WINDOW),
      WHALE_THRESHOLD: THRESHOLD,
    });
    const topic = env.KAFKA_TOPIC;
    const consumer = await startComponent("consumer.ts", "cluster-consumer", env);
    stack.defer(async () => void await consumer.stop());
    const producer = await startComponent("producer.ts", "cluster-producer", env);
    stack.defer(async () => void await producer.stop());

    const admin = new Kafka({
      clientId: "cluster-test",
      brokers: cluster.bootstrap.split(","),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    stack.defer(() => admin.disconnect());
    await waitFor("the producer to connect", () => simulator.connectionCount() > 0);
    // Every topic the pipeline made keeps three replicas, two of them needed for a write.
    const topics = [topic, `${topic}.dlq`, `${topic}.status`];
    const metadata = await admin.fetchTopicMetadata({ topics });
    for (const { name, partitions } of metadata.topics) {
      for (const partition of partitions) assert.equal(partition.replicas.length, 3, name);
    }
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: 2, name, configNames: ["min.insync.replicas"] })),
    });
    for (const resource of configs.resources) {
      assert.equal(resource.configEntries[0].configValue, "2", resource.resourceName);
    }

    simulator.resume();
    const storedMoreThan = (count: number) => async () => (await countTrades(db.sql)) > count;
    await waitFor("5,000 trades stored", storedMoreThan(5_000), 60_000);
    const [partition0] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions
      .filter((p) => p.partitionId === 0);
    const leader = cluster.nodes.find((node) => node.id === partition0.leader)!;
    await leader.kill();
    await pause(3_000);
    await leader.start();

    const beforeOutage = await countTrades(db.sql);
    await waitFor("10,000 more stored", storedMoreThan(beforeOutage + 10_000), 60_000);
    const [first, second] = cluster.nodes.filter((node) => node !== leader);
    await Promise.all([first.kill(), second.kill()]);
    await pause(15_000);
    await first.start();

    await waitFor(
      "the simulator to finish",
      stableFor(() => simulator.sentTrades().length, 3_000),
      180_000,
    );
    await second.start();
    const sent = simulator.sentTrades();
    assert.equal(sent.length, SYMBOLS.length * TRADES_PER_SYMBOL);
    await waitFor(`${sent.length} trades stored`, storedMoreThan(sent.length - 1), 180_000);
    assert.deepEqual(
      await storedTrades(db.sql),
      await expectedTrades(db.sql, sent, WINDOW, THRESHOLD),
    );
    assert.deepEqual(await storedAggregates(db.sql), await expectedAggregates(db.sql));

    // Neither dropped nor doubled on the way: the topic holds each trade once.
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(offsets.reduce((sum, { high }) => sum + Number(high), 0), sent.length);
    // What each waited for is in its log: the brokers it could not reach, what it held.
    const producerLines = producer.logs();
    assert.ok(producerLines.some((l) => /^kafka: Failed to send messages: /.test(String(l.msg))));
    assert.ok(producerLines.some((l) => l.msg === "status" && Number(l.buffered) > 10_000));
    assert.ok(producerLines.every((l) => l.msg !== "buffer full: dropping messages"));
    assert.ok(
      consumer.logs().some((l) =>
        /^kafka: Connection error: .*127\.0\.0\.1:\d+/.test(String(l.msg))
      ),
    );
  },
});
