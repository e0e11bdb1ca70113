/**
 * The consumer (`deno task consume`): reads trade events from Kafka in batches, stores each
 * batch with its moving averages, whale flags, aggregates and candles in PostgreSQL, in a
 * transaction per lane of whole symbols (`STORE_LANES` at once), and commits the Kafka offsets
 * only after every lane of the batch has committed. It keeps the day partitions of `trades`
 * ahead of time and drops those past retention. Outages of either are waited out; it exits
 * only on credentials, permissions or configuration. Its parts start top to bottom and stop in
 * reverse when it is stopped.
 */
import { runEntry } from "./runtime/entry.ts";
import { stoppable, untilAborted } from "./runtime/stoppable.ts";
import {
  createIdempotentProducer,
  createKafka,
  ensureTopics,
  sendDeadLetters,
} from "./pipeline/kafka.ts";
import { checkBrokerTls } from "./pipeline/broker_tls_check.ts";
import { consumerConfig } from "./runtime/config.ts";
import { redactUrl } from "./runtime/env_reader.ts";
import { createBatchHandler } from "./pipeline/batch_handler.ts";
import { STORE_LANES } from "./pipeline/trade_store.ts";
import { startGroupMember } from "./pipeline/group_member.ts";
import { startStatusLine } from "./runtime/status_line.ts";
import { migratedPool } from "./db/migrations.ts";
import { startPartitionKeeper } from "./pipeline/partition_keeper.ts";
import { createRegistry, serveMetrics } from "./runtime/metrics.ts";
import { registerConsumerMetrics } from "./pipeline/consumer_metrics.ts";
import { startStatusReport } from "./pipeline/status_report.ts";
import type { ConsumerState } from "./domain/status_event.ts";

await runEntry("consumer", consumerConfig, async (config, { log, stopping }) => {
  const { topic, deadLetterTopic, groupId } = config.kafka;
  log.info("starting", {
    database: redactUrl(config.databaseUrl),
    brokers: config.kafka.brokers,
    topic,
    groupId,
    window: config.movingAverageWindow,
    whaleThreshold: config.whaleThreshold,
    tradesRetentionDays: config.tradesRetentionDays ?? "forever",
    candlesRetentionDays: config.candlesRetentionDays ?? "forever",
  });
  // A connection per storing lane, and one for the status, the partitions and the windows.
  await using database = await migratedPool(config.databaseUrl, log, stopping, STORE_LANES + 1);
  if (!database) return;
  await using _keeper = startPartitionKeeper(database, config, log);

  await checkBrokerTls(config.kafka);
  const kafka = createKafka(config.kafka, "crypto-consumer", log);
  const deadLetterProducer = createIdempotentProducer(kafka);
  await using _deadLetters = stoppable(() => deadLetterProducer.disconnect().catch(() => {}));
  const handler = createBatchHandler({
    database,
    windowSize: config.movingAverageWindow,
    whaleThreshold: config.whaleThreshold,
    tradesRetentionDays: config.tradesRetentionDays,
    log,
    sendDeadLetters: (letters) => sendDeadLetters(deadLetterProducer, deadLetterTopic, letters),
  });
  // Logged once every part below has stopped.
  await using _stopped = stoppable(() =>
    stopping.aborted && log.info("stopped", { ...handler.stats })
  );
  await using member = startGroupMember({
    kafka,
    groupId,
    topic,
    maxBytesPerPartition: config.consumerMaxBatchBytes,
    sessionTimeoutMs: config.consumerSessionTimeoutMs,
    log,
    async prepare() {
      await ensureTopics(kafka, [topic, deadLetterTopic]);
      await deadLetterProducer.connect();
    },
    // After a rebalance another member may have stored trades of our symbols: restore from the
    // database rather than trust the windows in memory.
    onJoin: () => handler.resetWindows(),
    accept: (messages, context) => {
      const store = handler.accept(messages, context);
      return async () => {
        const started = performance.now();
        await store();
        const seconds = (performance.now() - started) / 1000;
        observeProcessing(seconds);
        slowest = Math.max(slowest, seconds);
        lastBatchAt = Date.now();
      };
    },
  });
  // The slowest batch since the last report, which the processing-time rule judges.
  let slowest = 0;
  let lastBatchAt = 0;
  await using _report = startStatusReport(
    database,
    () => {
      const state: ConsumerState = {
        processingSecondsMax: slowest,
        lastBatchAt: lastBatchAt || null,
        consumed: handler.stats.consumed,
        stored: handler.stats.stored,
        lag: Object.fromEntries(member.lag),
      };
      slowest = 0;
      return { component: "consumer", state };
    },
    config.heartbeatIntervalMs,
    log,
  );
  const registry = createRegistry();
  const observeProcessing = registerConsumerMetrics(registry, { stats: handler.stats, member });
  await using _metrics = serveMetrics(registry, config.metricsPort, log);
  await using _status = startStatusLine(log, config.statusIntervalMs, "consumed", () => {
    const { lastReceivedAt, ...stats } = handler.stats;
    return {
      ...stats,
      rejoins: member.rejoins,
      latencyMs: lastReceivedAt ? Date.now() - lastReceivedAt : null,
    };
  });
  // Until stopped; an unrecoverable error of the member ends the process through runEntry.
  await untilAborted(stopping, member.done);
});
