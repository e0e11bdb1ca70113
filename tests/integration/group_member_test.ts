/**
 * The group member on a real broker: when a batch cannot be stored, a new kafkajs consumer
 * joins and the batch that was not committed is handled again; batches are stored in order,
 * the next one taken in while one is stored, and nothing after a failed store is committed.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { freePort } from "../../stack/free_port.ts";
import { startGroupMember } from "../../pipeline/group_member.ts";
import { createLogger } from "../../runtime/log.ts";
import { waitFor } from "../helpers/wait.ts";

Deno.test({
  name: "a member whose store failed is replaced, and its uncommitted batch comes again",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const topic = "member-test";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: ["a", "b", "c"].map((value) => ({ value })) });
    await producer.disconnect();

    const seen: string[] = [];
    let joins = 0;
    let failOnce = true;
    const member = startGroupMember({
      kafka,
      groupId: "member-test",
      topic,
      maxBytesPerPartition: 1_048_576,
      sessionTimeoutMs: 10_000,
      log: createLogger("member-test", "error"),
      prepare: () => Promise.resolve(),
      onJoin: () => void joins++,
      accept(messages) {
        return () => {
          // A TypeError is what kafkajs' retrier calls unrecoverable, as after a lost
          // membership: the member gives this consumer up and a new one joins.
          if (failOnce) {
            failOnce = false;
            throw new TypeError("handler failed");
          }
          seen.push(...messages.map((m) => m.value!.toString()));
          return Promise.resolve();
        };
      },
    });
    try {
      await waitFor("the batch to be handled", () => seen.length >= 3, 60_000);
      assert.deepEqual(seen, ["a", "b", "c"]);
      assert.equal(member.rejoins, 1);
      assert.ok(joins >= 2, `joined ${joins} times`);
      // What was handled is committed: a new member of the group starts after it.
      await member.stop();
      const offsets = await (async () => {
        const a = kafka.admin();
        await a.connect();
        try {
          return await a.fetchOffsets({ groupId: "member-test", topics: [topic] });
        } finally {
          await a.disconnect();
        }
      })();
      assert.equal(offsets[0].partitions[0].offset, "3");
    } finally {
      await member.stop();
      await broker.stop();
    }
  },
});

Deno.test({
  name: "the next batch is taken in while one is stored, and none after a failed store commits",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const topic = "pipelined";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    // One message a send, so each is a record batch of its own and fetches stay small.
    for (let i = 0; i < 40; i++) {
      await producer.send({ topic, messages: [{ value: String(i).padStart(400, "0") }] });
    }
    await producer.disconnect();

    const stored: number[] = [];
    let storing = false;
    let overlapped = false;
    let failAt: number | undefined = 20;
    const member = startGroupMember({
      kafka,
      groupId: "pipelined",
      topic,
      // About two messages a fetch: many batches.
      maxBytesPerPartition: 1_024,
      sessionTimeoutMs: 10_000,
      log: createLogger("member-test", "error"),
      prepare: () => Promise.resolve(),
      onJoin: () => {},
      accept(messages) {
        const values = messages.map((m) => Number(m.value!.toString()));
        if (storing) overlapped = true;
        return async () => {
          storing = true;
          try {
            await new Promise((resolve) => setTimeout(resolve, 50));
            if (failAt !== undefined && values.includes(failAt)) {
              failAt = undefined;
              throw new Error("store failed");
            }
            stored.push(...values);
          } finally {
            storing = false;
          }
        };
      },
    });
    try {
      await waitFor("every message stored", () => new Set(stored).size === 40, 60_000);
      await member.stop();
      // In order, each once, but for what came after the failure and was read again.
      const firsts = stored.filter((value, i) => stored.indexOf(value) === i);
      assert.deepEqual(firsts, Array.from({ length: 40 }, (_, i) => i));
      assert.ok(
        stored.slice(0, stored.indexOf(20)).every((value) => value < 20),
        `nothing after the failed batch was stored before it: ${stored}`,
      );
      assert.ok(overlapped, "a batch was taken in while the one before was being stored");
      const [{ partitions: [{ offset }] }] = await admin.fetchOffsets({
        groupId: "pipelined",
        topics: [topic],
      });
      assert.equal(offset, "40");
    } finally {
      await member.stop();
      await admin.disconnect();
      await broker.stop();
    }
  },
});
