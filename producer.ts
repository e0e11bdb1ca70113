/**
 * The producer (`deno task produce`): one WebSocket connection to Binance carrying the trade
 * streams of all `SYMBOLS`; every frame is validated, trades go to `KAFKA_TOPIC` keyed by
 * symbol, and rejected frames go to `<topic>.dlq` with the reason. Gaps in trade ids, after a
 * reconnect or since the last trade published before a restart, are recovered over REST.
 */
import { runEntry } from "./runtime/entry.ts";
import { stoppable, untilAborted } from "./runtime/stoppable.ts";
import { producerConfig } from "./runtime/config.ts";
import { retryTransient } from "./runtime/retry.ts";
import { createIdempotentProducer, createKafka, ensureTopics } from "./pipeline/kafka.ts";
import { checkBrokerTls } from "./pipeline/broker_tls_check.ts";
import { parseBinanceFrame } from "./domain/binance_frame.ts";
import { encodeTradeEvent, type TradeEvent } from "./domain/trade_event.ts";
import { deadLetter } from "./domain/dead_letter.ts";
import { BinanceStream } from "./pipeline/binance_stream.ts";
import { tradeStreamUrl } from "./domain/binance_frame.ts";
import { TradePublisher } from "./pipeline/trade_publisher.ts";
import { startStatusLine } from "./runtime/status_line.ts";
import { GapTracker } from "./domain/gap_tracker.ts";
import { GapFiller } from "./pipeline/gap_filler.ts";
import { lastPublishedTradeIds } from "./pipeline/topic_tail.ts";
import { asUnrecoverable } from "./runtime/unrecoverable.ts";
import { createRegistry, serveMetrics } from "./runtime/metrics.ts";
import { registerProducerMetrics } from "./pipeline/producer_metrics.ts";
import { startHeartbeat } from "./pipeline/producer_heartbeat.ts";
import { encodeStatusEvent, type StatusEvent } from "./domain/status_event.ts";

await runEntry("producer", producerConfig, async (config, { log, stopping }) => {
  const { topic, deadLetterTopic, statusTopic } = config.kafka;
  log.info("starting", {
    url: tradeStreamUrl(config.binanceWsUrl, config.symbols),
    restUrl: config.binanceRestUrl,
    brokers: config.kafka.brokers,
    topic,
  });
  await checkBrokerTls(config.kafka);
  const kafka = createKafka(config.kafka, "crypto-producer", log);
  const producer = createIdempotentProducer(kafka);
  await using _producer = stoppable(() => producer.disconnect().catch(() => {}));
  // A stop does not wait for a connection attempt under way (kafkajs retries one for a minute).
  await Promise.race([
    retryTransient("kafka connect", async () => {
      await ensureTopics(kafka, [topic, deadLetterTopic, statusTopic]);
      await producer.connect();
    }, { log, service: "kafka", signal: stopping }),
    untilAborted(stopping),
  ]);
  if (stopping.aborted) return;
  // Where the last run stopped: the first live trade of each symbol then shows the gap.
  const published = await retryTransient("read the topic's end", async () => {
    try {
      return await lastPublishedTradeIds(kafka, topic);
    } catch (error) {
      // Credentials that may only write: the pipeline runs, without this recovery.
      if (asUnrecoverable(error, "kafka")?.kind !== "permissions") throw error;
      log.warn("may not read the topic; a gap across this restart is not recovered", { error });
      return new Map<string, number>();
    }
  }, { log, service: "kafka", signal: stopping });
  if (stopping.aborted || !published) return;
  const counts = { frames: 0, trades: 0, rejected: 0 };
  const publisher = new TradePublisher({ producer, capacity: config.producerBufferSize, log });
  // Flushed once nothing feeds it any more; every step before is bounded, so this gets its 15 s.
  await using _flush = stoppable(async () => {
    const unsent = await publisher.close(15_000);
    if (unsent > 0) log.error("stopped with messages unsent", { unsent });
    if (!stopping.aborted) return;
    log.info("stopped", {
      ...counts,
      published: publisher.published,
      sendErrors: publisher.sendErrors,
      lostTrades: filler.lost,
      unsent,
    });
  });
  const symbols = new Set(config.symbols);
  const gaps = new GapTracker();
  const resumed = config.symbols.filter((symbol) => published.has(symbol));
  for (const symbol of resumed) gaps.seed(symbol, published.get(symbol)!);
  log.info("resuming after the trades already published", {
    lastTradeIds: Object.fromEntries(resumed.map((symbol) => [symbol, published.get(symbol)])),
  });
  const publishTrade = (event: TradeEvent) =>
    publisher.publish({ topic, key: event.symbol, value: encodeTradeEvent(event) });
  const publishStatus = (event: StatusEvent) =>
    publisher.publish({ topic: statusTopic, value: encodeStatusEvent(event) });
  // REST recovery is cancelled when stopped, not awaited.
  await using filler = new GapFiller({
    restUrl: config.binanceRestUrl,
    publish: publishTrade,
    log,
    onLost: (symbol, firstMissingId, lastMissingId, reason) =>
      publishStatus({
        v: 1,
        type: "gap",
        symbol,
        firstMissingId,
        lastMissingId,
        foundAt: Date.now(),
        reason,
      }),
  });

  await using stream = new BinanceStream({
    baseUrl: config.binanceWsUrl,
    symbols: config.symbols,
    silenceTimeoutMs: config.silenceTimeoutMs,
    maxAgeMs: config.connectionMaxAgeMs,
    log,
    onFrame(frame, receivedAt) {
      counts.frames++;
      const result = parseBinanceFrame(frame, receivedAt, symbols);
      if (result.kind === "trade") {
        counts.trades++;
        const { symbol, tradeId } = result.event;
        const missing = gaps.observe(symbol, tradeId);
        publishTrade(result.event);
        if (missing > 0) {
          log.warn("trade ids skipped; recovering them", { symbol, tradeId, missing });
          filler.fill(symbol, tradeId - missing, tradeId);
        }
      } else if (result.kind === "rejected") {
        counts.rejected++;
        log.warn("frame rejected", { reason: result.reason });
        const letter = deadLetter("producer", result.reason, frame);
        publisher.publish({ topic: deadLetterTopic, value: JSON.stringify(letter) });
      } else if (result.message.e === "serverShutdown") {
        stream.renew("serverShutdown");
      }
    },
  });
  stream.start();

  const registry = createRegistry();
  registerProducerMetrics(registry, { counts, stream, publisher, gaps, filler });
  await using _metrics = serveMetrics(registry, config.metricsPort, log);
  await using _heartbeat = startHeartbeat(
    () => ({
      connected: stream.connected,
      connectedChangedAt: stream.connectedChangedAt,
      ...counts,
      buffered: publisher.buffered,
      dropped: publisher.dropped,
      sendErrors: publisher.sendErrors,
      lostTrades: filler.lost,
    }),
    (value) => publisher.publish({ topic: statusTopic, value }),
    config.heartbeatIntervalMs,
  );
  await using _status = startStatusLine(log, config.statusIntervalMs, "frames", () => ({
    connected: stream.connected,
    ...counts,
    published: publisher.published,
    reconnects: stream.reconnects,
    buffered: publisher.buffered,
    dropped: publisher.dropped,
    sendErrors: publisher.sendErrors,
    missingTrades: gaps.missing,
    recoveredTrades: filler.recovered,
    lostTrades: filler.lost,
  }));

  await untilAborted(stopping);
});
