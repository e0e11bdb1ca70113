/**
 * The dashboard's Prometheus metrics, read from the database at each scrape: how fresh each
 * symbol's data is (the seed's alert "producer disconnected > 5 minutes" is
 * `crypto_last_trade_age_seconds > 300`), what is stored and how much disk and how many
 * connections it takes, the alert rules' state, and the dashboard's own stream and the time
 * each of its routes takes.
 */
import type { DashboardState } from "./dashboard_state.ts";
import {
  alertStates,
  databaseConnections,
  storageSummary,
  symbolSummaries,
} from "./dashboard_queries.ts";
import {
  createRegistry,
  mergeRegistries,
  metricsOn,
  type Reading,
  type Registry,
  summedRegistry,
} from "../runtime/metrics.ts";
import { localFigures } from "./serving_figures.ts";
import type { StorageSummary, SymbolSummary } from "../domain/dashboard_views.ts";

/** What one scrape read from the database; undefined when it did not answer. */
interface Snapshot {
  summaries: SymbolSummary[];
  storage: StorageSummary;
  connections: number;
  alerts: Awaited<ReturnType<typeof alertStates>>;
}

/**
 * A registry of this scrape's figures, with the request timings kept since start: the whole
 * dashboard's, whichever worker is asked.
 */
export async function dashboardMetrics(state: DashboardState): Promise<Registry> {
  const serving = await (state.figures?.() ?? localFigures(state));
  const snapshot = await Promise.all([
    symbolSummaries(state.sql),
    storageSummary(state.sql),
    databaseConnections(state.sql),
    alertStates(state.sql),
  ]).then(([summaries, storage, connections, alerts]): Snapshot => ({
    summaries,
    storage,
    connections,
    alerts,
  })).catch(() => undefined);
  const registry = createRegistry();
  const perSymbol = (value: (summary: SymbolSummary) => number): Reading =>
    new Map(snapshot?.summaries.map((s) => [s.symbol, value(s)]));
  const { counter, gauge } = metricsOn(registry);
  gauge(
    "crypto_last_trade_age_seconds",
    "Seconds since the newest stored trade.",
    () => perSymbol((s) => Math.max(0, (Date.now() - Date.parse(s.lastTradeTime)) / 1000)),
    "symbol",
  );
  counter(
    "crypto_trades_stored_total",
    "Trades stored since the beginning.",
    () => perSymbol((s) => Number(s.tradeCount)),
    "symbol",
  );
  counter(
    "crypto_whale_trades_stored_total",
    "Whale trades stored since the beginning.",
    () => perSymbol((s) => Number(s.whaleCount)),
    "symbol",
  );
  if (snapshot) {
    const { storage } = snapshot;
    gauge(
      "crypto_database_bytes",
      "Size of the whole database on disk.",
      () => storage.databaseBytes,
    );
    gauge(
      "crypto_trades_bytes",
      "Size of the trades partitions with their indexes.",
      () => storage.tradesBytes,
    );
    gauge(
      "crypto_candles_bytes",
      "Size of the candles table with its index.",
      () => storage.candlesBytes,
    );
    gauge(
      "crypto_trade_partitions",
      "Day partitions of trades, days ahead included.",
      () => storage.tradePartitions,
    );
    if (storage.oldestTradeTime !== null) {
      const oldest = Date.parse(storage.oldestTradeTime) / 1000;
      gauge(
        "crypto_oldest_trade_timestamp_seconds",
        "Time of the oldest trade kept, in epoch seconds.",
        () => oldest,
      );
    }
    gauge(
      "crypto_database_connections",
      "Connections open to the database.",
      () => snapshot.connections,
    );
    gauge(
      "crypto_alert_firing",
      '1 while the monitor finds the rule firing for the subject ("" for all).',
      () => snapshot.alerts.alerts.map((a) => [{ rule: a.rule, subject: a.subject }, +a.firing]),
      ["rule", "subject"],
    );
    counter(
      "crypto_trades_lost_total",
      "Trades in gaps the producer could not recover.",
      () => snapshot.alerts.lostTrades,
    );
  }
  gauge(
    "dashboard_database_up",
    "1 when the database answered this scrape.",
    () => snapshot ? 1 : 0,
  );
  gauge(
    "dashboard_listener_up",
    "1 when the LISTEN connection is up.",
    () => serving.listening ? 1 : 0,
  );
  gauge(
    "dashboard_stream_clients",
    "Open /api/stream connections.",
    () => serving.streamClients,
  );
  counter(
    "dashboard_stream_events_total",
    "Events published to streams.",
    () => serving.eventsPublished,
  );
  if (state.limits) {
    const { refused } = serving;
    counter(
      "dashboard_requests_refused_total",
      "Requests refused: past a client's requests a second or its live streams (429), " +
        "or past the live streams of all clients (capacity, 503).",
      () => [
        [{ limit: "requests" }, refused.requests],
        [{ limit: "streams" }, refused.streams],
        [{ limit: "capacity" }, refused.capacity],
      ],
      ["limit"],
    );
  }
  return serving.timings.length
    ? mergeRegistries([registry, summedRegistry(serving.timings)])
    : registry;
}
