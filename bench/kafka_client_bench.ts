/**
 * The producer's Kafka client beside another, in the same run and against the same broker:
 * kafkajs (the user's named choice, as `producer.ts` configures it) and `@platformatic/kafka`,
 * both idempotent and acknowledged by all in-sync replicas, each sending the same batches of
 * trade events keyed by symbol, one batch in flight, into a topic of its own.
 */
import { Kafka, logLevel } from "kafkajs";
import {
  ProduceAcks,
  Producer as PlatformaticProducer,
  stringSerializers,
} from "@platformatic/kafka";
import { createIdempotentProducer, TOPIC_PARTITIONS } from "../pipeline/kafka.ts";
import { encodeTradeEvent } from "../domain/trade_event.ts";
import { simulatedTrades, tradeEvents } from "./bench_trades.ts";
import { grouped, measureThroughputAsync, type Throughput } from "./measure.ts";

/** Messages per second acknowledged, per client. */
export interface KafkaClientResult {
  batchSize: number;
  kafkajs: Throughput;
  platformatic: Throughput;
}

/** Sends `rounds` batches of `batchSize` trade events through each client in turn. */
export async function benchKafkaClients(
  bootstrap: string,
  options: { batchSize: number; rounds: number },
): Promise<KafkaClientResult> {
  const { batchSize, rounds } = options;
  const messages = tradeEvents(simulatedTrades(batchSize)).map((event) => ({
    key: event.symbol,
    value: encodeTradeEvent(event),
  }));
  const kafka = new Kafka({
    clientId: "bench-kafkajs",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const suffix = crypto.randomUUID().slice(0, 8);
  const topics = {
    kafkajs: `bench-client-kafkajs-${suffix}`,
    platformatic: `bench-client-platformatic-${suffix}`,
  };
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: TOPIC_PARTITIONS })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  const timing = { rounds, warmupRounds: 3 };

  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  let kafkajs: Throughput;
  try {
    const batch = [{ topic: topics.kafkajs, messages }];
    kafkajs = await measureThroughputAsync(async () => {
      await producer.sendBatch({ acks: -1, topicMessages: batch });
      return batchSize;
    }, timing);
  } finally {
    await producer.disconnect();
  }

  const other = new PlatformaticProducer({
    clientId: "bench-platformatic",
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  let platformatic: Throughput;
  try {
    const batch = messages.map((m) => ({ topic: topics.platformatic, ...m }));
    platformatic = await measureThroughputAsync(async () => {
      await other.send({ messages: batch });
      return batchSize;
    }, timing);
  } finally {
    await other.close();
  }
  console.log(
    `producer client, batches of ${grouped(batchSize)} trade events, idempotent, acks from all: ` +
      `kafkajs ${grouped(kafkajs.opsPerSecond)} messages/s, @platformatic/kafka ` +
      `${grouped(platformatic.opsPerSecond)} messages/s (median of ${rounds} batches each)`,
  );
  return { batchSize, kafkajs, platformatic };
}
