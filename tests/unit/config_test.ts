import assert from "node:assert/strict";
import { defaultDashboardWorkers } from "../../runtime/dashboard_config.ts";
import {
  consumerConfig,
  dashboardConfig,
  loadConfig,
  monitorConfig,
  producerConfig,
} from "../../runtime/config.ts";
import { ConfigError, envReader, redactUrl } from "../../runtime/env_reader.ts";

function failsOn(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, "CONFIG_INVALID");
    return error.variable;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("defaults follow the contract", () => {
  const config = loadConfig({});
  assert.deepEqual(config.kafka.brokers, ["localhost:9092"]);
  assert.equal(config.kafka.topic, "crypto-trades");
  assert.equal(config.kafka.deadLetterTopic, "crypto-trades.dlq");
  assert.equal(config.kafka.groupId, "crypto-consumer-group");
  assert.equal(config.kafka.sasl, undefined);
  assert.equal(config.kafka.ssl, false);
  assert.deepEqual(config.symbols, ["BTCUSDT", "ETHUSDT"]);
  assert.equal(config.movingAverageWindow, 100);
  assert.equal(config.whaleThreshold, "100000");
  assert.equal(config.binanceWsUrl, "wss://stream.binance.com:9443");
  assert.equal(config.port, 8000);
  assert.equal(config.feedSimulated, false);
  assert.equal(config.localKafkaBrokers, 1);
  assert.equal(config.dashboardReadToken, undefined);
  assert.equal(config.dashboardRequestsPerSecond, 20);
  assert.equal(config.dashboardStreamsPerClient, 10);
  assert.equal(config.dashboardTrustForwardedFor, false);
});

Deno.test("credentials turn on SASL/SCRAM-SHA-256 over TLS", () => {
  const { kafka } = loadConfig({ KAFKA_USERNAME: "u", KAFKA_PASSWORD: "p" });
  assert.deepEqual(kafka.sasl, { mechanism: "scram-sha-256", username: "u", password: "p" });
  assert.equal(kafka.ssl, true);
  const plain = loadConfig({
    KAFKA_USERNAME: "u",
    KAFKA_PASSWORD: "p",
    KAFKA_SASL_MECHANISM: "PLAIN",
    KAFKA_SSL: "false",
  }).kafka;
  assert.equal(plain.sasl?.mechanism, "plain");
  assert.equal(plain.ssl, false);
});

Deno.test("a trailing /ws or /stream on the Binance URL is accepted", () => {
  assert.equal(
    loadConfig({ BINANCE_WS_URL: "ws://127.0.0.1:9443/ws" }).binanceWsUrl,
    "ws://127.0.0.1:9443",
  );
  assert.equal(loadConfig({ BINANCE_WS_URL: "wss://x.io/stream/" }).binanceWsUrl, "wss://x.io");
});

Deno.test("symbols are upper-cased and deduplicated", () => {
  assert.deepEqual(loadConfig({ SYMBOLS: " btcusdt, SOLUSDT ,BTCUSDT" }).symbols, [
    "BTCUSDT",
    "SOLUSDT",
  ]);
});

Deno.test("each bad value names its variable", () => {
  assert.equal(failsOn({ KAFKA_BOOTSTRAP_SERVERS: "nohost" }), "KAFKA_BOOTSTRAP_SERVERS");
  assert.equal(failsOn({ KAFKA_USERNAME: "u" }), "KAFKA_PASSWORD");
  assert.equal(failsOn({ KAFKA_SASL_MECHANISM: "gssapi" }), "KAFKA_SASL_MECHANISM");
  assert.equal(failsOn({ KAFKA_SSL: "maybe" }), "KAFKA_SSL");
  assert.equal(failsOn({ KAFKA_SSL_CA_FILE: "/etc/hostname" }), "KAFKA_SSL_CA_FILE");
  assert.equal(
    failsOn({ KAFKA_SSL: "true", KAFKA_SSL_CA_FILE: "/no/such/ca.pem" }),
    "KAFKA_SSL_CA_FILE",
  );
  assert.equal(
    failsOn({ KAFKA_SSL: "true", KAFKA_SSL_CA_FILE: "/etc/hostname" }),
    "KAFKA_SSL_CA_FILE",
  );
  assert.equal(failsOn({ DATABASE_URL: "postgres://x/y?sslmode=verify" }), "DATABASE_URL");
  assert.equal(failsOn({ KAFKA_BROKERS: "2" }), "KAFKA_BROKERS");
  assert.equal(failsOn({ DASHBOARD_READ_TOKEN: "short" }), "DASHBOARD_READ_TOKEN");
  assert.equal(
    failsOn({
      DASHBOARD_READ_TOKEN: "same-token-0123456789",
      DASHBOARD_ADMIN_TOKEN: "same-token-0123456789",
    }),
    "DASHBOARD_READ_TOKEN",
  );
  assert.equal(failsOn({ DASHBOARD_REQUESTS_PER_SECOND: "0" }), "DASHBOARD_REQUESTS_PER_SECOND");
  assert.equal(failsOn({ DASHBOARD_STREAMS_PER_CLIENT: "none" }), "DASHBOARD_STREAMS_PER_CLIENT");
  assert.equal(
    failsOn({ DASHBOARD_TRUST_FORWARDED_FOR: "maybe" }),
    "DASHBOARD_TRUST_FORWARDED_FOR",
  );
  assert.equal(failsOn({ KAFKA_BROKERS: "10" }), "KAFKA_BROKERS");
  assert.equal(failsOn({ KAFKA_TOPIC: "bad topic" }), "KAFKA_TOPIC");
  assert.equal(failsOn({ DATABASE_URL: "mysql://x/y" }), "DATABASE_URL");
  assert.equal(failsOn({ DATABASE_URL: "postgres://x" }), "DATABASE_URL");
  assert.equal(failsOn({ SYMBOLS: "BTC-USDT" }), "SYMBOLS");
  assert.equal(failsOn({ SYMBOLS: " , " }), "SYMBOLS");
  assert.equal(failsOn({ MOVING_AVERAGE_WINDOW: "0" }), "MOVING_AVERAGE_WINDOW");
  assert.equal(failsOn({ MOVING_AVERAGE_WINDOW: "10.5" }), "MOVING_AVERAGE_WINDOW");
  assert.equal(failsOn({ WHALE_THRESHOLD: "-1" }), "WHALE_THRESHOLD");
  assert.equal(failsOn({ WHALE_THRESHOLD: "1e5" }), "WHALE_THRESHOLD");
  assert.equal(failsOn({ BINANCE_WS_URL: "http://x" }), "BINANCE_WS_URL");
  assert.equal(failsOn({ LOG_LEVEL: "loud" }), "LOG_LEVEL");
  assert.equal(failsOn({ PORT: "70000" }), "PORT");
  assert.equal(failsOn({ METRICS_PORT: "0" }), "METRICS_PORT");
  assert.equal(failsOn({ ALERT_KAFKA_LAG: "-1" }), "ALERT_KAFKA_LAG");
  assert.equal(failsOn({ ALERT_PROCESSING_SECONDS: "0" }), "ALERT_PROCESSING_SECONDS");
  assert.equal(failsOn({ DATABASE_STORAGE_LIMIT: "10 parsecs" }), "DATABASE_STORAGE_LIMIT");
  assert.equal(failsOn({ ALERT_WEBHOOK_URL: "ftp://x" }), "ALERT_WEBHOOK_URL");
  assert.equal(failsOn({ TRADES_RETENTION_DAYS: "0" }), "TRADES_RETENTION_DAYS");
  assert.equal(failsOn({ TRADES_RETENTION_DAYS: "a month" }), "TRADES_RETENTION_DAYS");
  assert.equal(
    failsOn({ TRADES_RETENTION_DAYS: "30", CANDLES_RETENTION_DAYS: "7" }),
    "CANDLES_RETENTION_DAYS",
  );
  assert.equal(
    failsOn({ TRADES_RETENTION_DAYS: "forever", CANDLES_RETENTION_DAYS: "365" }),
    "CANDLES_RETENTION_DAYS",
  );
});

Deno.test("alert thresholds default to the seed's rules; sizes take units", () => {
  const { alerts, alertWebhookUrl } = loadConfig({});
  assert.deepEqual(alerts, {
    kafkaLag: 1_000,
    processingSeconds: 1,
    storageRatio: 0.8,
    storageLimitBytes: undefined,
    producerDisconnectedSeconds: 300,
    symbolSilentSeconds: 300,
  });
  assert.equal(alertWebhookUrl, undefined);
  assert.equal(loadConfig({ DATABASE_STORAGE_LIMIT: "10GB" }).alerts.storageLimitBytes, 1e10);
  assert.equal(loadConfig({ DATABASE_STORAGE_LIMIT: "512MiB" }).alerts.storageLimitBytes, 2 ** 29);
  assert.equal(loadConfig({ DATABASE_STORAGE_LIMIT: "1000" }).alerts.storageLimitBytes, 1000);
});

Deno.test("trades are kept 30 days and candles forever unless configured", () => {
  const defaults = loadConfig({});
  assert.equal(defaults.tradesRetentionDays, 30);
  assert.equal(defaults.candlesRetentionDays, undefined);
  const set = loadConfig({ TRADES_RETENTION_DAYS: "Forever", CANDLES_RETENTION_DAYS: "forever" });
  assert.equal(set.tradesRetentionDays, undefined);
  const both = loadConfig({ TRADES_RETENTION_DAYS: "7", CANDLES_RETENTION_DAYS: "400" });
  assert.deepEqual([both.tradesRetentionDays, both.candlesRetentionDays], [7, 400]);
});

Deno.test("a database URL is logged without its password", () => {
  assert.equal(redactUrl("postgres://me:secret@db:5432/x"), "postgres://me:***@db:5432/x");
  assert.equal(
    redactUrl("postgres://db/x?password=secret&sslmode=require"),
    "postgres://db/x?password=***&sslmode=require",
  );
});

Deno.test("the dashboard's serving: frame, workers and the stream cap", () => {
  const config = dashboardConfig({});
  assert.equal(config.dashboardFrameMs, 5);
  assert.equal(config.dashboardMaxStreams, 10_000);
  assert.equal(config.dashboardWorkers, Math.max(1, navigator.hardwareConcurrency - 1));
  assert.equal(dashboardConfig({ DENO_DEPLOYMENT_ID: "x" }).dashboardWorkers, 1, "Deploy");
  assert.equal(dashboardConfig({ DASHBOARD_WORKERS: "4" }).dashboardWorkers, 4);
  assert.deepEqual([1, 2, 8].map((cores) => defaultDashboardWorkers(cores, true)), [1, 1, 7]);
  assert.equal(defaultDashboardWorkers(8, false), 1, "where a port cannot be shared");
  assert.throws(
    () => dashboardConfig({ DASHBOARD_WORKERS: "2", DENO_DEPLOYMENT_ID: "x" }),
    /^ConfigError: DASHBOARD_WORKERS: more than 1 needs Linux/,
  );
  for (const [name, value] of [["DASHBOARD_WORKERS", "0"], ["DASHBOARD_FRAME_MS", "-1"]]) {
    assert.throws(() => dashboardConfig({ [name]: value }), new RegExp(`^ConfigError: ${name}`));
  }
});

Deno.test("each process checks only its own settings", () => {
  const env = { PRODUCER_BUFFER_SIZE: "ten", ALERT_KAFKA_LAG: "-1" };
  assert.throws(() => producerConfig(env), /PRODUCER_BUFFER_SIZE/);
  assert.throws(() => monitorConfig(env), /ALERT_KAFKA_LAG/);
  assert.equal(dashboardConfig(env).port, 8000);
  assert.equal(consumerConfig(env).movingAverageWindow, 100);
  assert.throws(() => loadConfig(env), ConfigError);
});

Deno.test("flags are read as variables are, and errors name the flag", () => {
  const flags = envReader({ rate: "12.5", port: "x" }, (name) => `--${name}`);
  assert.equal(flags.number("rate", { default: undefined }), 12.5);
  assert.equal(flags.int("seed", { default: 7, min: 0, max: 10 }), 7);
  assert.throws(
    () => flags.int("port", { default: 1, min: 1, max: 2 }),
    /^ConfigError: --port: "x"/,
  );
});
