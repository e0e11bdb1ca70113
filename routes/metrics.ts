/**
 * `GET /metrics` in Prometheus' text format: how fresh each symbol's data is (the seed's alert
 * "producer disconnected > 5 minutes" is `crypto_last_trade_age_seconds > 300`), what is
 * stored and how much disk it takes, and the dashboard's own stream.
 */
import type { Handler } from "../fresh_compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import { storageSummary, symbolSummaries } from "../web/dashboard_queries.ts";
import { metricsText, type Sample } from "../web/metrics_text.ts";
import type { StorageSummary } from "../domain/dashboard_views.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state }) {
    const samples: Sample[] = [];
    let databaseUp = 1;
    try {
      const [summaries, storage] = await Promise.all([
        symbolSummaries(state.sql),
        storageSummary(state.sql),
      ]);
      samples.push(...storageSamples(storage));
      for (const summary of summaries) {
        const labels = { symbol: summary.symbol };
        const age = (Date.now() - new Date(summary.lastTradeTime).getTime()) / 1000;
        samples.push(
          {
            name: "crypto_last_trade_age_seconds",
            help: "Seconds since the newest stored trade.",
            type: "gauge",
            labels,
            value: Math.max(0, age),
          },
          {
            name: "crypto_trades_stored_total",
            help: "Trades stored since the beginning.",
            type: "counter",
            labels,
            value: Number(summary.tradeCount),
          },
          {
            name: "crypto_whale_trades_stored_total",
            help: "Whale trades stored since the beginning.",
            type: "counter",
            labels,
            value: Number(summary.whaleCount),
          },
        );
      }
    } catch {
      databaseUp = 0;
    }
    samples.push(
      {
        name: "dashboard_database_up",
        help: "1 when the database answered this scrape.",
        type: "gauge",
        value: databaseUp,
      },
      {
        name: "dashboard_listener_up",
        help: "1 when the LISTEN connection is up.",
        type: "gauge",
        value: state.live?.listening ? 1 : 0,
      },
      {
        name: "dashboard_stream_clients",
        help: "Open /api/stream connections.",
        type: "gauge",
        value: state.live?.clients ?? 0,
      },
      {
        name: "dashboard_stream_events_total",
        help: "Events published to streams.",
        type: "counter",
        value: (state.live?.nextId ?? 1) - 1,
      },
    );
    return new Response(metricsText(samples), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  },
};

/** The database's size, the partitions of `trades` and how far back they reach. */
function storageSamples(storage: StorageSummary): Sample[] {
  const gauge = (name: string, help: string, value: number): Sample => ({
    name,
    help,
    type: "gauge",
    value,
  });
  const oldest = storage.oldestTradeTime;
  return [
    gauge("crypto_database_bytes", "Size of the whole database on disk.", storage.databaseBytes),
    gauge(
      "crypto_trades_bytes",
      "Size of the trades partitions with their indexes.",
      storage.tradesBytes,
    ),
    gauge(
      "crypto_candles_bytes",
      "Size of the candles table with its index.",
      storage.candlesBytes,
    ),
    gauge(
      "crypto_trade_partitions",
      "Day partitions of trades, days ahead included.",
      storage.tradePartitions,
    ),
    ...(oldest === null ? [] : [
      gauge(
        "crypto_oldest_trade_timestamp_seconds",
        "Time of the oldest trade kept, in epoch seconds.",
        Date.parse(oldest) / 1000,
      ),
    ]),
  ];
}
