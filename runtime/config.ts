/**
 * Configuration from the environment, checked once at start. A bad value throws a
 * {@link ConfigError} whose message names the variable; entry points print it as one line.
 */
import { LOG_LEVELS, type LogLevel } from "./log.ts";
import { isPositiveDecimal } from "../domain/decimal.ts";
import { SYMBOL_PATTERN } from "../domain/trade_event.ts";
import type { RetentionDays } from "../domain/retention.ts";
import type { AlertThresholds } from "../domain/alert_rules.ts";

/** A configuration value that cannot be used; `variable` names the environment variable. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = "ConfigError";
  }
}

/** SASL mechanisms kafkajs supports for a managed broker. */
export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/** How to reach Kafka and which topic and group to use. */
export interface KafkaConfig {
  brokers: string[];
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  ssl: boolean;
  topic: string;
  /** `<topic>.dlq`: frames and messages that failed validation, with the reason. */
  deadLetterTopic: string;
  /** `<topic>.status`: the producer's heartbeats and unrecoverable gaps, read by the monitor. */
  statusTopic: string;
  groupId: string;
}

/** Everything the producer, consumer and dashboard read from the environment. */
export interface Config {
  kafka: KafkaConfig;
  databaseUrl: string;
  symbols: string[];
  movingAverageWindow: number;
  /** In the quote currency, as an exact decimal string. */
  whaleThreshold: string;
  /** The Binance base URL without a trailing `/ws` or `/stream`. */
  binanceWsUrl: string;
  /** Binance's REST API, which the producer asks for the trades a reconnect missed. */
  binanceRestUrl: string;
  logLevel: LogLevel;
  port: number;
  /** Milliseconds between the one-line status logs. */
  statusIntervalMs: number;
  /** Milliseconds without a frame after which the producer replaces its connection. */
  silenceTimeoutMs: number;
  /** Milliseconds after which the producer renews its connection (Binance cuts at 24 h). */
  connectionMaxAgeMs: number;
  /** Trades the producer holds while Kafka is unavailable. */
  producerBufferSize: number;
  /** Most bytes the consumer fetches from one partition at once: bounds a batch. */
  consumerMaxBatchBytes: number;
  /** How long the group waits for a silent consumer before giving its partitions away. */
  consumerSessionTimeoutMs: number;
  /** Set by `deno task start` when it fell back to the simulator: the dashboard says so. */
  feedSimulated: boolean;
  /** Days of trades kept (whole partitions dropped past it); undefined keeps them forever. */
  tradesRetentionDays: RetentionDays;
  /** Days of candles kept, at least as long as trades; undefined (the default) is forever. */
  candlesRetentionDays: RetentionDays;
  /** Where producer and consumer serve Prometheus metrics; undefined (the default) is off. */
  metricsPort?: number;
  /** Milliseconds between the reports producer and consumer make of their state. */
  heartbeatIntervalMs: number;
  /** The monitor's alert thresholds (see `domain/alert_rules.ts`). */
  alerts: AlertThresholds;
  /** Where the monitor POSTs each alert that fires or resolves; undefined: nowhere. */
  alertWebhookUrl?: string;
  /**
   * The token that lets a dashboard request create or delete price rules; undefined (the
   * default) leaves the dashboard read-only.
   */
  dashboardAdminToken?: string;
}

/** The local database `deno task start` creates when `DATABASE_URL` is unset. */
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/crypto_pipeline";

const TOPIC = /^[A-Za-z0-9._-]{1,200}$/;

/** Reads and checks the configuration; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const username = get("KAFKA_USERNAME");
  const password = get("KAFKA_PASSWORD");
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError(
      username === undefined ? "KAFKA_USERNAME" : "KAFKA_PASSWORD",
      "KAFKA_USERNAME and KAFKA_PASSWORD must be set together",
    );
  }
  const mechanism = oneOf(
    "KAFKA_SASL_MECHANISM",
    get("KAFKA_SASL_MECHANISM")?.toLowerCase() ?? "scram-sha-256",
    ["plain", "scram-sha-256", "scram-sha-512"] as const,
  );
  const topic = get("KAFKA_TOPIC") ?? "crypto-trades";
  if (!TOPIC.test(topic)) {
    throw new ConfigError("KAFKA_TOPIC", `"${topic}" is not a valid topic name`);
  }
  const tradesRetentionDays = retentionDays(
    "TRADES_RETENTION_DAYS",
    get("TRADES_RETENTION_DAYS"),
    30,
  );
  const candlesRetentionDays = retentionDays(
    "CANDLES_RETENTION_DAYS",
    get("CANDLES_RETENTION_DAYS"),
    undefined,
  );
  if (
    candlesRetentionDays !== undefined &&
    (tradesRetentionDays === undefined || candlesRetentionDays < tradesRetentionDays)
  ) {
    throw new ConfigError(
      "CANDLES_RETENTION_DAYS",
      `${candlesRetentionDays} is shorter than TRADES_RETENTION_DAYS (${
        tradesRetentionDays ?? "forever"
      }): candles are kept at least as long as trades`,
    );
  }
  return {
    kafka: {
      brokers: brokers(get("KAFKA_BOOTSTRAP_SERVERS") ?? "localhost:9092"),
      sasl: username && password ? { mechanism, username, password } : undefined,
      ssl: bool("KAFKA_SSL", get("KAFKA_SSL"), username !== undefined),
      topic,
      deadLetterTopic: `${topic}.dlq`,
      statusTopic: `${topic}.status`,
      groupId: get("KAFKA_GROUP_ID") ?? "crypto-consumer-group",
    },
    databaseUrl: databaseUrl(get("DATABASE_URL") ?? DEFAULT_DATABASE_URL),
    symbols: symbolList("SYMBOLS", get("SYMBOLS") ?? "BTCUSDT,ETHUSDT"),
    movingAverageWindow: wholeNumber(
      "MOVING_AVERAGE_WINDOW",
      get("MOVING_AVERAGE_WINDOW"),
      100,
      1,
      100_000,
    ),
    whaleThreshold: whaleThreshold(get("WHALE_THRESHOLD") ?? "100000"),
    binanceWsUrl: binanceWsUrl(get("BINANCE_WS_URL") ?? "wss://stream.binance.com:9443"),
    binanceRestUrl: httpUrl(
      "BINANCE_REST_URL",
      get("BINANCE_REST_URL") ?? "https://api.binance.com",
    ),
    logLevel: oneOf("LOG_LEVEL", get("LOG_LEVEL")?.toLowerCase() ?? "info", LOG_LEVELS),
    port: wholeNumber("PORT", get("PORT"), 8000, 1, 65_535),
    statusIntervalMs: wholeNumber(
      "STATUS_INTERVAL_MS",
      get("STATUS_INTERVAL_MS"),
      10_000,
      100,
      3_600_000,
    ),
    silenceTimeoutMs: wholeNumber(
      "SILENCE_TIMEOUT_MS",
      get("SILENCE_TIMEOUT_MS"),
      30_000,
      100,
      3_600_000,
    ),
    connectionMaxAgeMs: wholeNumber(
      "CONNECTION_MAX_AGE_MS",
      get("CONNECTION_MAX_AGE_MS"),
      23 * 3_600_000,
      1_000,
      24 * 3_600_000 - 60_000,
    ),
    producerBufferSize: wholeNumber(
      "PRODUCER_BUFFER_SIZE",
      get("PRODUCER_BUFFER_SIZE"),
      100_000,
      1,
      10_000_000,
    ),
    consumerMaxBatchBytes: wholeNumber(
      "CONSUMER_MAX_BATCH_BYTES",
      get("CONSUMER_MAX_BATCH_BYTES"),
      1_048_576,
      1_024,
      104_857_600,
    ),
    consumerSessionTimeoutMs: wholeNumber(
      "KAFKA_SESSION_TIMEOUT_MS",
      get("KAFKA_SESSION_TIMEOUT_MS"),
      30_000,
      6_000,
      300_000,
    ),
    feedSimulated: bool("FEED_SIMULATED", get("FEED_SIMULATED"), false),
    tradesRetentionDays,
    candlesRetentionDays,
    heartbeatIntervalMs: wholeNumber(
      "HEARTBEAT_INTERVAL_MS",
      get("HEARTBEAT_INTERVAL_MS"),
      5_000,
      100,
      600_000,
    ),
    alerts: {
      kafkaLag: wholeNumber("ALERT_KAFKA_LAG", get("ALERT_KAFKA_LAG"), 1_000, 0, 1e12),
      processingSeconds: positive("ALERT_PROCESSING_SECONDS", get("ALERT_PROCESSING_SECONDS"), 1),
      storageRatio: positive("ALERT_STORAGE_RATIO", get("ALERT_STORAGE_RATIO"), 0.8),
      storageLimitBytes: storageLimit(get("DATABASE_STORAGE_LIMIT")),
      producerDisconnectedSeconds: positive(
        "ALERT_PRODUCER_DISCONNECTED_SECONDS",
        get("ALERT_PRODUCER_DISCONNECTED_SECONDS"),
        300,
      ),
      symbolSilentSeconds: positive(
        "ALERT_SYMBOL_SILENT_SECONDS",
        get("ALERT_SYMBOL_SILENT_SECONDS"),
        300,
      ),
    },
    alertWebhookUrl: get("ALERT_WEBHOOK_URL") === undefined
      ? undefined
      : httpUrl("ALERT_WEBHOOK_URL", get("ALERT_WEBHOOK_URL")!),
    dashboardAdminToken: adminToken(get("DASHBOARD_ADMIN_TOKEN")),
    metricsPort: get("METRICS_PORT") === undefined
      ? undefined
      : wholeNumber("METRICS_PORT", get("METRICS_PORT"), 0, 1, 65_535),
  };
}

/** Fewest characters an admin token may have: a short one is guessed. */
const MIN_TOKEN_LENGTH = 16;

/** `DASHBOARD_ADMIN_TOKEN`: 16 or more printable characters, never echoed in the error. */
function adminToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(
      "DASHBOARD_ADMIN_TOKEN",
      `is not ${MIN_TOKEN_LENGTH} or more printable characters without spaces ` +
        "(openssl rand -hex 24 makes one)",
    );
  }
  return raw;
}

/** A number above 0, `fallback` when unset. */
function positive(variable: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = finiteNumber(variable, raw);
  if (value <= 0) throw new ConfigError(variable, `"${raw}" is not a number above 0`);
  return value;
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `DATABASE_STORAGE_LIMIT`: bytes, or a number with a unit such as `10GB` or `512MiB`. */
function storageLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw);
  const unit = BYTE_UNITS[match?.[2].toLowerCase() ?? "?"];
  if (!match || unit === undefined || Number(match[1]) <= 0) {
    throw new ConfigError(
      "DATABASE_STORAGE_LIMIT",
      `"${raw}" is not a size such as 10737418240, 10GB or 10GiB`,
    );
  }
  return Math.round(Number(match[1]) * unit);
}

/** Whole days from 1 to 36,500, or `forever` (undefined); `fallback` when unset. */
function retentionDays(
  variable: string,
  raw: string | undefined,
  fallback: RetentionDays,
): RetentionDays {
  if (raw === undefined) return fallback;
  if (raw.toLowerCase() === "forever") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 36_500) {
    throw new ConfigError(
      variable,
      `"${raw}" is neither a whole number of days from 1 to 36500 nor forever`,
    );
  }
  return Number(raw);
}

/** The database URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
    return parsed.toString().replace("password=%2A%2A%2A", "password=***");
  } catch {
    return "<unparseable url>";
  }
}

/** `value` when it is one of `allowed`; a ConfigError names `variable` otherwise. */
export function oneOf<T extends string>(
  variable: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(variable, `"${value}" is not one of ${allowed.join(", ")}`);
  }
  return value as T;
}

/** `raw` as a whole number from `min` to `max`, `fallback` when unset; else a ConfigError. */
export function wholeNumber(
  variable: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(variable, `"${raw}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function bool(variable: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (["true", "1", "yes"].includes(value)) return true;
  if (["false", "0", "no"].includes(value)) return false;
  throw new ConfigError(variable, `"${raw}" is not true or false`);
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

function databaseUrl(raw: string): string {
  const url = parseUrl("DATABASE_URL", raw, ["postgres:", "postgresql:"]);
  if (url.pathname.length <= 1) throw new ConfigError("DATABASE_URL", "names no database");
  return raw;
}

/** A comma-separated list of symbols, upper-cased, without repeats, 1 to 1024 of them. */
export function symbolList(variable: string, raw: string): string[] {
  const list = [...new Set(raw.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean))];
  if (list.length === 0) throw new ConfigError(variable, "no symbol given");
  if (list.length > 1024) throw new ConfigError(variable, "at most 1024 symbols per connection");
  const bad = list.find((s) => !SYMBOL_PATTERN.test(s));
  if (bad) throw new ConfigError(variable, `"${bad}" is not a symbol like BTCUSDT`);
  return list;
}

/** `raw` as a finite number (fractions allowed); a ConfigError names `variable` otherwise. */
export function finiteNumber(variable: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value)) {
    throw new ConfigError(variable, `"${raw}" is not a number`);
  }
  return value;
}

function whaleThreshold(raw: string): string {
  if (!isPositiveDecimal(raw)) {
    throw new ConfigError("WHALE_THRESHOLD", `"${raw}" is not a positive decimal number`);
  }
  return raw;
}

/** Parses `raw` as a URL with one of `schemes`; a ConfigError names `variable` otherwise. */
function parseUrl(variable: string, raw: string, schemes: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `"${redactUrl(raw)}" is not a URL`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new ConfigError(variable, `scheme "${url.protocol}" is not ${schemes.join(" or ")}`);
  }
  return url;
}

function httpUrl(variable: string, raw: string): string {
  parseUrl(variable, raw, ["http:", "https:"]);
  return raw.replace(/\/+$/, "");
}

function binanceWsUrl(raw: string): string {
  parseUrl("BINANCE_WS_URL", raw, ["ws:", "wss:"]);
  return raw.replace(/\/+$/, "").replace(/\/(ws|stream)$/, "");
}
