/**
 * The consumer (`deno task consume`): reads trade events from Kafka in batches, stores them
 * with their moving averages, whale flags and aggregates in one PostgreSQL transaction per
 * batch, and commits the Kafka offsets only after that transaction has committed.
 */
import { onShutdown, runEntry } from "./pipeline/entry.ts";
import { connectDatabase } from "./pipeline/database.ts";
import { createIdempotentProducer, createKafka, ensureTopics } from "./pipeline/kafka.ts";
import { redactUrl } from "./pipeline/config.ts";
import { sendDeadLetters } from "./pipeline/dead_letter.ts";
import { BatchAbandoned, createBatchHandler } from "./pipeline/batch_handler.ts";
import { assertMigrated } from "./db/migrations.ts";

await runEntry("consumer", async (config, log) => {
  const sql = connectDatabase(config.databaseUrl, { max: 2 });
  log.info("starting", {
    database: redactUrl(config.databaseUrl),
    brokers: config.kafka.brokers,
    topic: config.kafka.topic,
    groupId: config.kafka.groupId,
    window: config.movingAverageWindow,
    whaleThreshold: config.whaleThreshold,
  });
  await assertMigrated(sql);

  const kafka = createKafka(config.kafka, "crypto-consumer", log);
  await ensureTopics(kafka, [config.kafka.topic, config.kafka.deadLetterTopic]);
  const deadLetterProducer = createIdempotentProducer(kafka);
  await deadLetterProducer.connect();
  const consumer = kafka.consumer({
    groupId: config.kafka.groupId,
    maxBytesPerPartition: config.consumerMaxBatchBytes,
  });
  const handler = createBatchHandler({
    sql,
    windowSize: config.movingAverageWindow,
    whaleThreshold: config.whaleThreshold,
    log,
    sendDeadLetters: (letters) =>
      sendDeadLetters(deadLetterProducer, config.kafka.deadLetterTopic, letters),
  });
  let running = true;

  // After a rebalance another member may have stored trades of our symbols: restore from the
  // database rather than trust the windows in memory.
  consumer.on(consumer.events.GROUP_JOIN, () => handler.resetWindows());
  await consumer.connect();
  await consumer.subscribe({ topic: config.kafka.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const last = batch.messages.at(-1);
      if (!last) return;
      try {
        await handler.handle(batch.messages, {
          topic: batch.topic,
          partition: batch.partition,
          heartbeat,
          shouldStop: () => !running || !isRunning() || isStale(),
        });
      } catch (error) {
        if (error instanceof BatchAbandoned) return;
        throw error;
      }
      // kafkajs commits exactly this offset: the next one to read.
      const next = (BigInt(last.offset) + 1n).toString();
      await consumer.commitOffsets([{
        topic: batch.topic,
        partition: batch.partition,
        offset: next,
      }]);
      // Moves the fetch position; an abandoned batch is not resolved and is fetched again.
      resolveOffset(last.offset);
    },
  });
  log.info("consuming", { topic: config.kafka.topic });

  let previous = { ...handler.stats, at: Date.now() };
  const status = setInterval(() => {
    const now = Date.now();
    const { stats } = handler;
    const seconds = (now - previous.at) / 1000;
    log.info("status", {
      ratePerSecond: Math.round((stats.consumed - previous.consumed) / seconds),
      consumed: stats.consumed,
      stored: stats.stored,
      duplicates: stats.duplicates,
      deadLettered: stats.deadLettered,
      whales: stats.whales,
      batches: stats.batches,
      databaseErrors: stats.databaseErrors,
      latencyMs: stats.lastReceivedAt ? now - stats.lastReceivedAt : null,
    });
    previous = { ...stats, at: now };
  }, config.statusIntervalMs);

  onShutdown(log, async () => {
    running = false;
    clearInterval(status);
    await consumer.disconnect();
    await deadLetterProducer.disconnect();
    await sql.end({ timeout: 5 });
    log.info("stopped", { ...handler.stats });
  });
});
