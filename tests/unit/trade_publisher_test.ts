import assert from "node:assert/strict";
import type { Producer, ProducerBatch } from "kafkajs";
import type { Logger } from "../../runtime/log.ts";
import { type OutgoingMessage, TradePublisher } from "../../pipeline/trade_publisher.ts";

// Drops and failed sends are logged; these tests cause them on purpose.
const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const FAST_RETRY = { baseMs: 1, maxMs: 1 };

/** A kafkajs producer reduced to `sendBatch`, answering each call as `send` says. */
function fakeProducer(send: (call: number) => Promise<void> = () => Promise.resolve()) {
  const batches: string[][] = [];
  let calls = 0;
  const producer = {
    sendBatch(batch: ProducerBatch) {
      const values = batch.topicMessages!.flatMap(({ topic, messages }) =>
        messages.map((message) => `${topic}:${message.value}`)
      );
      return send(calls++).then(() => {
        batches.push(values);
        return [];
      });
    },
  };
  return { producer: producer as unknown as Producer, batches, calls: () => calls };
}

function message(value: string, topic = "trades"): OutgoingMessage {
  return { topic, key: "BTCUSDT", value };
}

Deno.test("messages are sent in order, in batches of at most batchSize", async () => {
  const fake = fakeProducer();
  const publisher = new TradePublisher({
    producer: fake.producer,
    capacity: 100,
    batchSize: 3,
    log: SILENT,
  });
  for (const value of ["1", "2", "3", "4", "5", "6", "7"]) publisher.publish(message(value));
  assert.equal(await publisher.close(1_000), 0);
  assert.deepEqual(fake.batches, [
    ["trades:1", "trades:2", "trades:3"],
    ["trades:4", "trades:5", "trades:6"],
    ["trades:7"],
  ]);
  assert.equal(publisher.published, 7);
});

Deno.test("when the buffer is full, new messages are dropped and counted", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const fake = fakeProducer((call) => call === 0 ? held : Promise.resolve());
  const publisher = new TradePublisher({ producer: fake.producer, capacity: 3, log: SILENT });
  const accepted = ["1", "2", "3", "4", "5"].map((value) => publisher.publish(message(value)));
  assert.deepEqual(accepted, [true, true, true, false, false]);
  assert.equal(publisher.dropped, 2);
  assert.equal(publisher.buffered, 3);
  release();
  assert.equal(await publisher.close(1_000), 0);
  assert.deepEqual(fake.batches.flat(), ["trades:1", "trades:2", "trades:3"]);
});

Deno.test("a failing send is retried and nothing is lost or doubled", async () => {
  const fake = fakeProducer((call) =>
    call < 2 ? Promise.reject(new Error("broker unavailable")) : Promise.resolve()
  );
  const publisher = new TradePublisher({
    producer: fake.producer,
    capacity: 100,
    retryBackoff: FAST_RETRY,
    log: SILENT,
  });
  publisher.publish(message("1"));
  publisher.publish(message("a bad frame", "trades.dlq"));
  publisher.publish(message("2"));
  assert.equal(await publisher.close(1_000), 0);
  assert.equal(fake.calls(), 3);
  assert.equal(publisher.sendErrors, 2);
  assert.equal(publisher.published, 3);
  assert.deepEqual(fake.batches, [["trades:1", "trades:2", "trades.dlq:a bad frame"]]);
});

Deno.test("close() flushes what is buffered and refuses what comes after", async () => {
  const fake = fakeProducer(() => new Promise((resolve) => setTimeout(resolve, 10)));
  const publisher = new TradePublisher({
    producer: fake.producer,
    capacity: 100,
    batchSize: 2,
    log: SILENT,
  });
  for (let i = 0; i < 9; i++) publisher.publish(message(String(i)));
  assert.equal(await publisher.close(5_000), 0);
  assert.equal(publisher.published, 9);
  assert.equal(fake.batches.length, 5);
  assert.equal(publisher.publish(message("late")), false);
  assert.equal(publisher.dropped, 1);
});

Deno.test("close(timeout) gives up on a hanging send and returns the number left unsent", async () => {
  const fake = fakeProducer(() => new Promise(() => {}));
  const publisher = new TradePublisher({ producer: fake.producer, capacity: 100, log: SILENT });
  for (const value of ["1", "2", "3", "4"]) publisher.publish(message(value));
  const started = Date.now();
  assert.equal(await publisher.close(50), 4);
  assert.ok(Date.now() - started < 1_000, "close waited past its timeout");
  assert.equal(publisher.published, 0);
});
