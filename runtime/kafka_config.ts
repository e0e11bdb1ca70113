/**
 * How producer, consumer and monitor reach Kafka: the `KAFKA_*` variables, and the consumer
 * group's fetch size and session (see `config.ts`).
 */
import { ConfigError, type EnvReader, readCertificates } from "./env_reader.ts";

/** SASL mechanisms kafkajs supports for a managed broker. */
export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/** How to reach Kafka and which topic and group to use. */
export interface KafkaConfig {
  brokers: string[];
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  ssl: boolean;
  /** PEM certificates of the CAs trusted for the brokers' TLS; the system's when undefined. */
  ca?: string;
  topic: string;
  /** `<topic>.dlq`: frames and messages that failed validation, with the reason. */
  deadLetterTopic: string;
  /** `<topic>.status`: the producer's heartbeats and unrecoverable gaps, read by the monitor. */
  statusTopic: string;
  groupId: string;
}

const TOPIC = /^[A-Za-z0-9._-]{1,200}$/;

/** The Kafka settings from `read`: brokers, SASL and TLS, topics and group. */
export function kafkaConfig(read: EnvReader): KafkaConfig {
  const username = read.text("KAFKA_USERNAME");
  const password = read.text("KAFKA_PASSWORD");
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError(
      username === undefined ? "KAFKA_USERNAME" : "KAFKA_PASSWORD",
      "KAFKA_USERNAME and KAFKA_PASSWORD must be set together",
    );
  }
  const mechanism = read.oneOf(
    "KAFKA_SASL_MECHANISM",
    ["plain", "scram-sha-256", "scram-sha-512"] as const,
    "scram-sha-256",
  );
  const ssl = read.bool("KAFKA_SSL", username !== undefined);
  const caFile = read.text("KAFKA_SSL_CA_FILE");
  if (caFile !== undefined && !ssl) {
    throw new ConfigError("KAFKA_SSL_CA_FILE", "is set, but KAFKA_SSL is false");
  }
  const topic = read.text("KAFKA_TOPIC") ?? "crypto-trades";
  if (!TOPIC.test(topic)) {
    throw new ConfigError("KAFKA_TOPIC", `"${topic}" is not a valid topic name`);
  }
  return {
    brokers: brokers(read.text("KAFKA_BOOTSTRAP_SERVERS") ?? "localhost:9092"),
    sasl: username && password ? { mechanism, username, password } : undefined,
    ssl,
    ca: caFile === undefined ? undefined : readCertificates("KAFKA_SSL_CA_FILE", "file", caFile),
    topic,
    deadLetterTopic: `${topic}.dlq`,
    statusTopic: `${topic}.status`,
    groupId: read.text("KAFKA_GROUP_ID") ?? "crypto-consumer-group",
  };
}

function brokers(raw: string): string[] {
  const list = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const broker of list) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(broker);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
      throw new ConfigError("KAFKA_BOOTSTRAP_SERVERS", `"${broker}" is not host:port`);
    }
  }
  if (list.length === 0) throw new ConfigError("KAFKA_BOOTSTRAP_SERVERS", "no broker given");
  return list;
}

/** Kafka and the consumer group settings the consumer and the monitor share. */
export function groupMemberConfig(read: EnvReader) {
  return {
    kafka: kafkaConfig(read),
    consumerMaxBatchBytes: read.int("CONSUMER_MAX_BATCH_BYTES", {
      default: 1_048_576,
      min: 1_024,
      max: 104_857_600,
    }),
    consumerSessionTimeoutMs: read.int("KAFKA_SESSION_TIMEOUT_MS", {
      default: 30_000,
      min: 6_000,
      max: 300_000,
    }),
  };
}
