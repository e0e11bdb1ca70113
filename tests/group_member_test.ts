/**
 * The group member on a real broker: when kafkajs gives a consumer up for good, a new one
 * joins and the batch that was not committed is handled again.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startKafkaBroker } from "../stack/kafka_broker.ts";
import { freePort } from "../stack/free_port.ts";
import { startGroupMember } from "../pipeline/group_member.ts";
import { createLogger } from "../runtime/log.ts";
import { waitFor } from "./helpers/wait.ts";

Deno.test({
  name: "a member kafkajs stopped for good is replaced, and its uncommitted batch comes again",
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
      handle(messages) {
        // A TypeError is what kafkajs' retrier calls unrecoverable: it stops the consumer for
        // good (CRASH with restart false), as it does after a lost membership.
        if (failOnce) {
          failOnce = false;
          throw new TypeError("handler failed");
        }
        seen.push(...messages.map((m) => m.value!.toString()));
        return Promise.resolve();
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
