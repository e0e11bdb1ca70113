/** kafkajs set up from {@link KafkaConfig}: client, logging through our logger, topics. */
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from "kafkajs";
import type { KafkaConfig } from "../runtime/kafka_config.ts";
import type { Logger } from "../runtime/log.ts";
import type { DeadLetter } from "../domain/dead_letter.ts";

/** Partitions of a topic this pipeline creates; symbols spread over them by key. */
export const TOPIC_PARTITIONS = 3;

/**
 * Makes a kafkajs client. SASL credentials and TLS (with the CAs given, if any) come from
 * `config`; kafkajs' own log lines
 * at warn and above go through `log` (secrets are never part of them).
 */
export function createKafka(config: KafkaConfig, clientId: string, log: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: config.brokers,
    ssl: config.ssl && config.ca ? { ca: config.ca } : config.ssl,
    // The config allows only mechanisms kafkajs implements.
    sasl: config.sasl as SASLOptions | undefined,
    connectionTimeout: 5_000,
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => ({ level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry;
      const write = level <= KafkaLogLevel.ERROR ? log.error : log.warn;
      write(`kafka: ${message}`, fields);
    },
    retry: { initialRetryTime: 300, retries: 8 },
  });
}

/**
 * Creates `topics` when missing (a managed broker may forbid it: then they must exist), with the
 * cluster's own replication factor and `min.insync.replicas`: three and two on the local
 * three-broker cluster (`stack/kafka_properties.ts`), as a managed service sets them. Asking
 * for as many replicas as brokers answer would make a topic created while one is down keep
 * two replicas, both needed for a write, for good.
 */
export async function ensureTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: TOPIC_PARTITIONS })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * An idempotent producer: one request in flight, acks from all in-sync replicas (set per
 * send), and kafkajs' retries unlimited as its idempotence requires, each at most 5 s apart,
 * so a send goes on within seconds of a broker's return (30 s apart, a producer in a
 * three-broker test sent nothing for 45 s after the brokers were back).
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
  });
}

/** Sends `letters` to `topic`, acknowledged by all in-sync replicas. */
export async function sendDeadLetters(
  producer: Producer,
  topic: string,
  letters: DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    messages: letters.map((letter) => ({ value: JSON.stringify(letter) })),
  });
}
