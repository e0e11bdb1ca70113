/**
 * Each process's settings from the environment, checked once at start by its own loader, so a
 * bad producer setting never stops the dashboard. A bad value throws a `ConfigError` naming
 * the variable; entry points print it as one line. `loadConfig` checks every process's at
 * once, for `deno task start`, which runs them all. With `kafka_config.ts` (Kafka's) and
 * `dashboard_config.ts` (the dashboard's own), the one list of every variable, each with its default and bounds (read by `env_reader.ts`).
 */
import { LOG_LEVELS, type LogLevel } from "./log.ts";
import { ConfigError, type EnvReader, envReader } from "./env_reader.ts";
import { groupMemberConfig, type KafkaConfig, kafkaConfig } from "./kafka_config.ts";
import { type DashboardSettings, dashboardSettings } from "./dashboard_config.ts";
import { databaseTls } from "./database_tls.ts";
import { isPositiveDecimal } from "../domain/decimal.ts";
import type { RetentionDays } from "../domain/retention.ts";
import type { AlertThresholds } from "../domain/alert_rules.ts";

/** The environment a loader reads. */
export type Env = Record<string, string | undefined>;

/** What every process reads. */
export interface CommonConfig {
  logLevel: LogLevel;
  symbols: string[];
}

/** The producer's settings. */
export interface ProducerConfig extends CommonConfig {
  kafka: KafkaConfig;
  /** The Binance base URL without a trailing `/ws` or `/stream`. */
  binanceWsUrl: string;
  /** Binance's REST API, which the producer asks for the trades a reconnect missed. */
  binanceRestUrl: string;
  /** Milliseconds between the one-line status logs. */
  statusIntervalMs: number;
  /** Milliseconds without a frame after which the producer replaces its connection. */
  silenceTimeoutMs: number;
  /** Milliseconds after which the producer renews its connection (Binance cuts at 24 h). */
  connectionMaxAgeMs: number;
  /** Trades the producer holds while Kafka is unavailable. */
  producerBufferSize: number;
  /** Where it serves Prometheus metrics; undefined (the default) is off. */
  metricsPort?: number;
  /** Milliseconds between the reports it makes of its state. */
  heartbeatIntervalMs: number;
}

/** The consumer's settings. */
export interface ConsumerConfig extends CommonConfig {
  kafka: KafkaConfig;
  databaseUrl: string;
  movingAverageWindow: number;
  /** In the quote currency, as an exact decimal string. */
  whaleThreshold: string;
  statusIntervalMs: number;
  /** Most bytes fetched from one partition at once: bounds a batch. */
  consumerMaxBatchBytes: number;
  /** How long the group waits for a silent consumer before giving its partitions away. */
  consumerSessionTimeoutMs: number;
  /** Days of trades kept (whole partitions dropped past it); undefined keeps them forever. */
  tradesRetentionDays: RetentionDays;
  /** Days of candles kept, at least as long as trades; undefined (the default) is forever. */
  candlesRetentionDays: RetentionDays;
  metricsPort?: number;
  heartbeatIntervalMs: number;
}

/** The monitor's settings. */
export interface MonitorConfig extends CommonConfig {
  kafka: KafkaConfig;
  databaseUrl: string;
  consumerMaxBatchBytes: number;
  consumerSessionTimeoutMs: number;
  metricsPort?: number;
  /** Milliseconds between evaluations of the alert rules. */
  heartbeatIntervalMs: number;
  /** The alert thresholds (see `domain/alert_rules.ts`). */
  alerts: AlertThresholds;
  /** Where each alert that fires or resolves is POSTed; undefined: nowhere. */
  alertWebhookUrl?: string;
}

/** The dashboard's settings. */
export interface DashboardConfig extends CommonConfig, DashboardSettings {
  databaseUrl: string;
}

/** What `deno task infra` (and `deno task start`, which runs it) reads besides. */
export interface InfraConfig {
  /** Brokers infra starts where none answers: 1, or a cluster of 3 or more. */
  localKafkaBrokers: number;
}

/** Every process's settings, as `deno task start` checks them. */
export type Config =
  & ProducerConfig
  & ConsumerConfig
  & MonitorConfig
  & DashboardConfig
  & InfraConfig;

/** The local database `deno task start` creates when `DATABASE_URL` is unset. */
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crypto_pipeline";

/** The log level and symbols. */
export function commonConfig(env: Env): CommonConfig {
  const read = envReader(env);
  return {
    logLevel: read.oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
    symbols: read.symbols("SYMBOLS", "BTCUSDT,ETHUSDT"),
  };
}

/** What `deno task migrate` and other database-only tools read. */
export function databaseConfig(env: Env): CommonConfig & { databaseUrl: string } {
  return { ...commonConfig(env), databaseUrl: databaseUrl(envReader(env)) };
}

/** The producer's settings from `env`. */
export function producerConfig(env: Env): ProducerConfig {
  const read = envReader(env);
  const ws = read.url("BINANCE_WS_URL", ["ws:", "wss:"], "wss://stream.binance.com:9443");
  return {
    ...commonConfig(env),
    kafka: kafkaConfig(read),
    binanceWsUrl: ws.replace(/\/(ws|stream)$/, ""),
    binanceRestUrl: read.url("BINANCE_REST_URL", ["http:", "https:"], "https://api.binance.com"),
    statusIntervalMs: statusInterval(read),
    silenceTimeoutMs: read.int("SILENCE_TIMEOUT_MS", { default: 30_000, min: 100, max: 3_600_000 }),
    connectionMaxAgeMs: read.int("CONNECTION_MAX_AGE_MS", {
      default: 23 * 3_600_000,
      min: 1_000,
      max: 24 * 3_600_000 - 60_000,
    }),
    producerBufferSize: read.int("PRODUCER_BUFFER_SIZE", {
      default: 100_000,
      min: 1,
      max: 10_000_000,
    }),
    metricsPort: metricsPort(read),
    heartbeatIntervalMs: heartbeatInterval(read),
  };
}

/** The consumer's settings from `env`. */
export function consumerConfig(env: Env): ConsumerConfig {
  const read = envReader(env);
  const trades = read.days("TRADES_RETENTION_DAYS", 30);
  const candles = read.days("CANDLES_RETENTION_DAYS", undefined);
  if (candles !== undefined && (trades === undefined || candles < trades)) {
    throw new ConfigError(
      "CANDLES_RETENTION_DAYS",
      `${candles} is shorter than TRADES_RETENTION_DAYS (${trades ?? "forever"}): ` +
        "candles are kept at least as long as trades",
    );
  }
  const whaleThreshold = read.text("WHALE_THRESHOLD") ?? "100000";
  if (!isPositiveDecimal(whaleThreshold)) {
    throw new ConfigError(
      "WHALE_THRESHOLD",
      `"${whaleThreshold}" is not a positive decimal number`,
    );
  }
  return {
    ...commonConfig(env),
    ...groupMemberConfig(read),
    databaseUrl: databaseUrl(read),
    movingAverageWindow: read.int("MOVING_AVERAGE_WINDOW", { default: 100, min: 1, max: 100_000 }),
    whaleThreshold,
    statusIntervalMs: statusInterval(read),
    tradesRetentionDays: trades,
    candlesRetentionDays: candles,
    metricsPort: metricsPort(read),
    heartbeatIntervalMs: heartbeatInterval(read),
  };
}

/** The monitor's settings from `env`. */
export function monitorConfig(env: Env): MonitorConfig {
  const read = envReader(env);
  return {
    ...commonConfig(env),
    ...groupMemberConfig(read),
    databaseUrl: databaseUrl(read),
    metricsPort: metricsPort(read),
    heartbeatIntervalMs: heartbeatInterval(read),
    alerts: {
      kafkaLag: read.int("ALERT_KAFKA_LAG", { default: 1_000, min: 0, max: 1e12 }),
      processingSeconds: read.number("ALERT_PROCESSING_SECONDS", { default: 1, above: 0 }),
      storageRatio: read.number("ALERT_STORAGE_RATIO", { default: 0.8, above: 0 }),
      storageLimitBytes: read.bytes("DATABASE_STORAGE_LIMIT"),
      producerDisconnectedSeconds: read.number("ALERT_PRODUCER_DISCONNECTED_SECONDS", {
        default: 300,
        above: 0,
      }),
      symbolSilentSeconds: read.number("ALERT_SYMBOL_SILENT_SECONDS", { default: 300, above: 0 }),
    },
    alertWebhookUrl: read.url("ALERT_WEBHOOK_URL", ["http:", "https:"], undefined),
  };
}

/** The dashboard's settings from `env`. */
export function dashboardConfig(env: Env): DashboardConfig {
  const read = envReader(env);
  return { ...commonConfig(env), databaseUrl: databaseUrl(read), ...dashboardSettings(read) };
}

/** The local servers' settings from `env`. */
export function infraConfig(env: Env): InfraConfig {
  const brokers = envReader(env).int("KAFKA_BROKERS", { default: 1, min: 1, max: 9 });
  if (brokers === 2) {
    throw new ConfigError(
      "KAFKA_BROKERS",
      "2 brokers cannot outvote one another: give 1, or 3 to 9",
    );
  }
  return { localKafkaBrokers: brokers };
}

/** Every process's settings: throws on the first bad value any of them has. */
export function loadConfig(env: Env = Deno.env.toObject()): Config {
  return {
    ...infraConfig(env),
    ...producerConfig(env),
    ...consumerConfig(env),
    ...monitorConfig(env),
    ...dashboardConfig(env),
  };
}

function databaseUrl(read: EnvReader): string {
  const url = read.url("DATABASE_URL", ["postgres:", "postgresql:"], DEFAULT_DATABASE_URL);
  if (new URL(url).pathname.length <= 1) throw new ConfigError("DATABASE_URL", "names no database");
  databaseTls(url);
  return url;
}

const statusInterval = (read: EnvReader) =>
  read.int("STATUS_INTERVAL_MS", { default: 10_000, min: 100, max: 3_600_000 });
const heartbeatInterval = (read: EnvReader) =>
  read.int("HEARTBEAT_INTERVAL_MS", { default: 5_000, min: 100, max: 600_000 });
const metricsPort = (read: EnvReader) =>
  read.int("METRICS_PORT", { default: undefined, min: 1, max: 65_535 });
