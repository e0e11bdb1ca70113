/**
 * The alert rules (the seed's four, plus a symbol gone silent), evaluated from one reading of
 * the pipeline: each gives, per subject, a value, its threshold and whether it fires. Pure, so
 * the monitor and its tests share it.
 */

/** A rule's name, as alerts, metrics and webhooks carry it. */
export type AlertRule =
  | "kafka_lag"
  | "processing_time"
  | "database_storage"
  | "producer_disconnected"
  | "symbol_silent";

/** Thresholds; storage is a share of `storageLimitBytes`, off when that is undefined. */
export interface AlertThresholds {
  kafkaLag: number;
  processingSeconds: number;
  storageRatio: number;
  storageLimitBytes?: number;
  producerDisconnectedSeconds: number;
  symbolSilentSeconds: number;
}

/** What the monitor read, at `now` (epoch ms). */
export interface PipelineReading {
  now: number;
  /** Messages behind per partition of the consumer group; undefined when Kafka did not answer. */
  lag?: Map<number, number>;
  /** The slowest batch the consumers reported lately, in seconds; undefined without a report. */
  processingSeconds?: number;
  databaseBytes: number;
  /**
   * Since when (epoch ms) no producer has been connected to Binance: undefined while one is.
   * A producer whose heartbeats stopped counts as disconnected since its last one.
   */
  producerDisconnectedSince?: number;
  /** The newest stored trade per configured symbol, epoch ms; absent when it has none. */
  lastTradeAt: Map<string, number | undefined>;
}

/** One rule for one subject. */
export interface Evaluation {
  rule: AlertRule;
  /** What it is about: a symbol, or "" for the pipeline as a whole. */
  subject: string;
  value: number;
  threshold: number;
  firing: boolean;
}

/** Every rule that can be judged from `reading`. */
export function evaluateRules(reading: PipelineReading, limits: AlertThresholds): Evaluation[] {
  const evaluations: Evaluation[] = [];
  const judge = (rule: AlertRule, subject: string, value: number, threshold: number) =>
    evaluations.push({ rule, subject, value, threshold, firing: value > threshold });
  if (reading.lag) {
    const total = [...reading.lag.values()].reduce((sum, lag) => sum + lag, 0);
    judge("kafka_lag", "", total, limits.kafkaLag);
  }
  if (reading.processingSeconds !== undefined) {
    judge("processing_time", "", reading.processingSeconds, limits.processingSeconds);
  }
  if (limits.storageLimitBytes !== undefined) {
    const ratio = reading.databaseBytes / limits.storageLimitBytes;
    judge("database_storage", "", Math.round(ratio * 10_000) / 10_000, limits.storageRatio);
  }
  const since = reading.producerDisconnectedSince;
  const disconnected = since === undefined ? 0 : Math.max(0, (reading.now - since) / 1000);
  judge("producer_disconnected", "", disconnected, limits.producerDisconnectedSeconds);
  for (const [symbol, at] of reading.lastTradeAt) {
    if (at === undefined) continue;
    judge(
      "symbol_silent",
      symbol,
      Math.max(0, (reading.now - at) / 1000),
      limits.symbolSilentSeconds,
    );
  }
  return evaluations;
}
