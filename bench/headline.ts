/** The benchmark's headline: the figures the issues' targets are set on. */
import type { StorageResult } from "./storage_bench.ts";
import { type EndToEndResult, MEMORY_RATE } from "./end_to_end_bench.ts";
import type { DashboardResult } from "./dashboard_bench.ts";
import { ratio } from "./measure.ts";

/**
 * The figures the targets are set on, flat, first in the JSON line: storage rates, the
 * consumer's capacity and the highest sustained rate end to end (each also over the `\copy`
 * ceiling), the producer's Kafka client beside `@platformatic/kafka`, latency at 1,000 trades/s,
 * the fan-out to 1,000 and 5,000 stream clients beside one with the dashboard's memory, and the
 * peak memory of producer and consumer at {@link MEMORY_RATE} trades/s and while draining.
 */
export function headlineFigures(
  storage: StorageResult,
  endToEnd: EndToEndResult,
  dashboard: DashboardResult,
) {
  const copy = storage.copyCeiling.tradesPerSecond;
  const consumer = endToEnd.drain.storedPerSecond ?? 0;
  const e2e = endToEnd.rateSearch.sustainedPerSecond;
  const atMemoryRate = endToEnd.rateSearch.steps.find((s) => s.offeredPerSecond === MEMORY_RATE);
  const peak = (...values: (number | undefined)[]) => {
    const known = values.filter((v) => v !== undefined);
    return known.length ? Math.max(...known) : null;
  };
  return {
    copy_tps: copy,
    seed_style_tps: storage.perTradeTransaction.tradesPerSecond,
    store_trades_tps: storage.batched.tradesPerSecond,
    consumer_tps: consumer,
    consumer_over_copy: ratio(consumer, copy),
    e2e_tps: e2e,
    e2e_over_copy: ratio(e2e, copy),
    producer_client_kafkajs_mps: endToEnd.kafkaClients.kafkajs.opsPerSecond,
    producer_client_platformatic_mps: endToEnd.kafkaClients.platformatic.opsPerSecond,
    latency_p50_ms: endToEnd.latency.p50Ms,
    latency_p99_ms: endToEnd.latency.p99Ms,
    sse_clients: dashboard.history.fanOut.clients,
    sse_p99_ms: dashboard.history.fanOut.p99Ms,
    sse_one_client_p99_ms: dashboard.history.live.p99Ms,
    sse_5000_p99_ms: dashboard.history.manyFanOut?.p99Ms ?? null,
    sse_5000_every_core_p99_ms: dashboard.history.manyFanOutEveryCore?.p99Ms ?? null,
    dashboard_rss_mib: dashboard.history.dashboardPeakRssMiB ?? null,
    dashboard_rss_per_1000_clients_mib: dashboard.history.rssPerThousandClientsMiB,
    producer_rss_mib: peak(atMemoryRate?.producerPeakRssMiB),
    consumer_rss_mib: peak(atMemoryRate?.consumerPeakRssMiB, endToEnd.drain.consumerPeakRssMiB),
  };
}
