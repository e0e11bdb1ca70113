/**
 * The consumer (`deno task consume`): reads trade events from Kafka in batches, stores them
 * with their moving averages, whale flags and aggregates in one PostgreSQL transaction per
 * batch, and commits the Kafka offsets only after that transaction has committed.
 */
import { onShutdown, runEntry } from "./runtime/entry.ts";
import { connectDatabase } from "./runtime/database.ts";
import {
  createIdempotentProducer,
  createKafka,
  ensureTopics,
  sendDeadLetters,
} from "./pipeline/kafka.ts";
import { redactUrl } from "./runtime/config.ts";
import { BatchAbandoned, createBatchHandler } from "./pipeline/batch_handler.ts";
import { startStatusLine } from "./runtime/status_line.ts";
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
    sessionTimeout: config.consumerSessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(config.consumerSessionTimeoutMs / 3)),
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
  let inFlight: Promise<void> = Promise.resolve();

  // After a rebalance another member may have stored trades of our symbols: restore from the
  // database rather than trust the windows in memory.
  consumer.on(consumer.events.GROUP_JOIN, () => handler.resetWindows());
  // kafkajs stops for good on an error it will not retry (authorisation, say); a process that
  // stays up consuming nothing would hide that, so exit and let the supervisor see it.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    log.error("kafka consumer stopped for good", { error: payload.error });
    Deno.exit(1);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: config.kafka.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const last = batch.messages.at(-1);
      if (!last || !running) return;
      const work = (async () => {
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
      })();
      inFlight = work.catch(() => {});
      await work;
    },
  });
  log.info("consuming", { topic: config.kafka.topic });

  const stopStatus = startStatusLine(log, config.statusIntervalMs, "consumed", () => {
    const { lastReceivedAt, ...stats } = handler.stats;
    return { ...stats, latencyMs: lastReceivedAt ? Date.now() - lastReceivedAt : null };
  });

  onShutdown(log, async () => {
    running = false;
    stopStatus();
    // kafkajs drops a commit made after disconnect began: let the batch in hand finish first.
    await inFlight;
    await consumer.disconnect();
    await deadLetterProducer.disconnect();
    await sql.end({ timeout: 5 });
    log.info("stopped", { ...handler.stats });
  });
});
