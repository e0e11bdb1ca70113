/**
 * The consumer's Prometheus metrics: messages and what became of them (per second is `rate()`
 * of the totals), the processing time of each batch as a histogram, database write errors, dead
 * letters, and the Kafka consumer lag per partition.
 */
import { metricsOn, type Registry, secondsHistogram } from "../runtime/metrics.ts";
import type { ConsumerStats } from "./batch_handler.ts";
import type { GroupMember } from "./group_member.ts";

/** The parts whose figures the metrics read. */
export interface ConsumerParts {
  stats: ConsumerStats;
  member: Pick<GroupMember, "lag" | "rejoins">;
}

/** Seconds to store a batch (before its offsets are committed), up to a timeout's worth. */
const PROCESSING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Registers every consumer metric on `registry`; returns the function that records one batch's
 * processing time in seconds.
 */
export function registerConsumerMetrics(
  registry: Registry,
  parts: ConsumerParts,
): (seconds: number) => void {
  const { stats, member } = parts;
  const { counter, gauge } = metricsOn(registry, "consumer_");
  counter("messages_total", "Kafka messages handled.", () => stats.consumed);
  counter("trades_stored_total", "Trades new to the database.", () => stats.stored);
  counter("duplicates_total", "Trades already stored, skipped.", () => stats.duplicates);
  counter(
    "dead_letters_total",
    "Messages and trades sent to the dead-letter topic.",
    () => stats.deadLettered,
  );
  counter("whales_total", "Whale trades stored.", () => stats.whales);
  counter("price_alerts_total", "Users' price alerts fired.", () => stats.priceAlerts);
  counter(
    "price_rule_faults_total",
    "Storing transactions whose price rules could not be judged (their trades were stored).",
    () => stats.priceRuleFaults,
  );
  counter(
    "batches_total",
    "Batches stored (their offsets are committed after).",
    () => stats.batches,
  );
  counter("database_errors_total", "Failed attempts to store a batch.", () => stats.databaseErrors);
  counter(
    "rejoins_total",
    "kafkajs consumers replaced after it gave one up.",
    () => member.rejoins,
  );
  gauge(
    "kafka_lag",
    "Messages behind the partition's high watermark after the last commit.",
    () => new Map([...member.lag].map(([partition, lag]) => [String(partition), lag])),
    "partition",
  );
  gauge(
    "latency_seconds",
    "Now minus the newest receivedAt among the trades handled.",
    () => stats.lastReceivedAt ? (Date.now() - stats.lastReceivedAt) / 1000 : 0,
  );
  const processing = secondsHistogram(
    registry,
    "consumer_batch_processing_seconds",
    "Time to store a batch and send its dead letters, before its offsets are committed.",
    PROCESSING_BUCKETS,
  );
  return (seconds) => processing.observe(seconds);
}
