import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { freePort } from "../../stack/free_port.ts";
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { startLocalPostgres } from "../../stack/local_postgres.ts";
import { isPortOpen } from "../../stack/port_check.ts";

/** Rejects when `promise` has not settled within `ms`, so a broken broker fails the test. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a local Kafka broker delivers a produced message to a consumer and then stops", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kafka-broker-test-" });
  const port = freePort();
  const broker = await startKafkaBroker({ port, dataDir });
  try {
    assert.equal(broker.bootstrap, `127.0.0.1:${port}`);
    const kafka = new Kafka({
      clientId: "infra-test",
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "infra-test", numPartitions: 1 }] });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "infra-test", messages: [{ key: "BTCUSDT", value: "hello" }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: "infra-test" });
    await consumer.connect();
    await consumer.subscribe({ topic: "infra-test", fromBeginning: true });
    const received = await within(
      30_000,
      "consuming the message",
      new Promise<[string, string]>((done) => {
        consumer.run({
          eachMessage: ({ message }) => {
            done([String(message.key), String(message.value)]);
            return Promise.resolve();
          },
        });
      }),
    );
    await consumer.disconnect();
    assert.deepEqual(received, ["BTCUSDT", "hello"]);
  } finally {
    await broker.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
  assert.equal(await isPortOpen("127.0.0.1", port), false);
});

Deno.test("a local PostgreSQL cluster answers a query and then stops", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "local-postgres-test-" });
  const port = freePort();
  const server = await startLocalPostgres({ port, dataDir });
  try {
    assert.equal(server.url, `postgres://postgres@127.0.0.1:${port}/postgres`);
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`select 1 as one`;
      assert.equal(row.one, 1);
    } finally {
      await sql.end();
    }
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
  assert.equal(await isPortOpen("127.0.0.1", port), false);
});
