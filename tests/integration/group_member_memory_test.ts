/**
 * The group member on a real broker keeps nothing of a batch once it is stored, however fast
 * small batches come: tens of thousands of them, taken faster than the broker answers offset
 * commits, leave the live heap (after a forced collection) where it was. Before, every stored
 * batch queued a commit of its own and each waiting commit held its batch (issue 18).
 * Needs `--v8-flags=--expose-gc`, which `deno task test` gives.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { freePort } from "../../stack/free_port.ts";
import { startGroupMember } from "../../pipeline/group_member.ts";
import { createLogger } from "../../runtime/log.ts";
import { waitFor } from "../helpers/wait.ts";

const PARTITIONS = 3;
/** Record batches in the topic; each is one small batch for the member. */
const RECORD_BATCHES = 24_000;
const MESSAGES_PER_RECORD_BATCH = 3;
/** Batches taken before the first reading: connections, JIT and kafkajs' buffers settle. */
const WARM_UP_BATCHES = 3_000;
/** What the live heap may grow by from the warm-up to the end. */
const HEAP_GROWTH_BOUND_MIB = 4;

const gc = (globalThis as { gc?: () => void }).gc;

/** The live heap after a full collection, in MiB. */
function liveHeapMiB(): number {
  gc!();
  return Deno.memoryUsage().heapUsed / 1_048_576;
}

Deno.test({
  name: "tens of thousands of small batches leave the member's live heap where it was",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.ok(gc, "run with --v8-flags=--expose-gc, as `deno task test` does");
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const topic = "small-batches";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    // Each send is a record batch of its own; the member gets one per partition and fetch.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const value = "x".repeat(120);
    for (let start = 0; start < RECORD_BATCHES; start += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, i) =>
        producer.send({
          topic,
          acks: 1,
          messages: Array.from({ length: MESSAGES_PER_RECORD_BATCH }, () => ({
            partition: (start + i) % PARTITIONS,
            value,
          })),
        })));
    }
    await producer.disconnect();
    const total = RECORD_BATCHES * MESSAGES_PER_RECORD_BATCH;

    let batches = 0;
    let taken = 0;
    let warmHeapMiB = 0;
    let endHeapMiB = 0;
    const member = startGroupMember({
      kafka,
      groupId: "small-batches",
      topic,
      // Less than one record batch: kafkajs hands over one record batch per partition and fetch.
      maxBytesPerPartition: 256,
      sessionTimeoutMs: 30_000,
      log: createLogger("member-test", "error"),
      prepare: () => Promise.resolve(),
      onJoin: () => {},
      accept(messages) {
        batches++;
        taken += messages.length;
        // Read while batches still come, before the commits can catch up.
        if (batches === WARM_UP_BATCHES) warmHeapMiB = liveHeapMiB();
        // The first time all are taken (a batch may come twice after a rebalance).
        if (taken >= total && endHeapMiB === 0) endHeapMiB = liveHeapMiB();
        return () => Promise.resolve();
      },
    });
    try {
      await waitFor("every message taken", () => taken >= total, 240_000);
      assert.ok(batches >= 20_000, `only ${batches} batches: they were not small`);
      const growth = endHeapMiB - warmHeapMiB;
      assert.ok(
        growth < HEAP_GROWTH_BOUND_MIB,
        `the live heap grew by ${growth.toFixed(1)} MiB over ${batches - WARM_UP_BATCHES} ` +
          `batches (${warmHeapMiB.toFixed(1)} → ${endHeapMiB.toFixed(1)} MiB)`,
      );
      // And everything taken is committed in the end.
      await waitFor("every offset committed", async () => {
        const [{ partitions }] = await admin.fetchOffsets({
          groupId: "small-batches",
          topics: [topic],
        });
        return partitions.reduce((sum, p) => sum + Number(p.offset), 0) === total;
      }, 60_000);
    } finally {
      await member.stop();
      await admin.disconnect();
      await broker.stop();
    }
  },
});
