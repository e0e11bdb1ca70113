/**
 * The monitor's reading of the pipeline for the alert rules: the consumer group's lag from
 * Kafka itself (so it grows while no consumer runs), and from PostgreSQL the components' latest
 * reports, the database's size and each symbol's newest trade.
 */
import type { Admin } from "kafkajs";
import type { Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import type { PipelineReading } from "../domain/alert_rules.ts";
import type { ComponentState } from "../domain/status_event.ts";

/** What {@link readPipeline} looks at. */
export interface ReadingScope {
  topic: string;
  groupId: string;
  symbols: string[];
  /** A component silent for this long counts as gone. */
  silenceMs: number;
  /** When the monitor started: a producer never heard from is disconnected since then. */
  startedAt: number;
}

/** The consumer group's lag per partition: high watermark minus committed offset. */
export async function consumerLag(
  admin: Admin,
  topic: string,
  groupId: string,
): Promise<Map<number, number>> {
  const [ends, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const offsets = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
  const lag = new Map<number, number>();
  for (const { partition, offset, low } of ends) {
    const at = offsets.get(partition) ?? -1;
    // -1: the group has committed nothing there, so everything kept is behind.
    lag.set(partition, Math.max(0, Number(offset) - (at < 0 ? Number(low) : at)));
  }
  return lag;
}

/** A producer's or consumer's latest report. */
type StatusRow = Exclude<ComponentState, { component: "monitor" }> & { reportedMs: number };

/** One reading; the lag is left out, with a warning, when Kafka does not answer. */
export async function readPipeline(
  sql: Sql,
  admin: Admin,
  scope: ReadingScope,
  log: Logger,
): Promise<PipelineReading> {
  const now = Date.now();
  const lag = await consumerLag(admin, scope.topic, scope.groupId).catch((error) => {
    log.warn("cannot read the consumer lag from Kafka", { error });
    return undefined;
  });
  const [statuses, [{ bytes }], trades] = await Promise.all([
    sql<StatusRow[]>`
      select component, (extract(epoch from reported_at) * 1000)::float8 as "reportedMs", state
      from pipeline_status where component in ('producer', 'consumer')
    `,
    sql<{ bytes: number }[]>`select pg_database_size(current_database())::float8 as bytes`,
    sql<{ symbol: string; ms: number }[]>`
      select symbol, (extract(epoch from last_trade_time) * 1000)::float8 as ms
      from trade_aggregates
    `,
  ]);
  const fresh = (row: StatusRow) => now - row.reportedMs <= scope.silenceMs;
  const processing = statuses.flatMap((s) =>
    s.component === "consumer" && fresh(s) ? [s.state.processingSecondsMax] : []
  );
  const lastTrade = new Map(trades.map((t) => [t.symbol, t.ms]));
  return {
    now,
    lag,
    processingSeconds: processing.length ? Math.max(...processing) : undefined,
    databaseBytes: bytes,
    producerDisconnectedSince: producerDisconnectedSince(
      statuses.flatMap((s) => s.component === "producer" ? [s] : []),
      scope,
      now,
    ),
    lastTradeAt: new Map(scope.symbols.map((symbol) => [symbol, lastTrade.get(symbol)])),
  };
}

/**
 * Undefined while some producer reports a connection; else since when none has had one: a
 * silent producer lost it at its last report at the latest.
 */
function producerDisconnectedSince(
  producers: Extract<StatusRow, { component: "producer" }>[],
  scope: ReadingScope,
  now: number,
): number | undefined {
  if (producers.length === 0) return scope.startedAt;
  let since = -Infinity;
  for (const { reportedMs, state } of producers) {
    const silent = now - reportedMs > scope.silenceMs;
    if (state.connected && !silent) return undefined;
    const lost = state.connected ? reportedMs : Math.min(state.since, reportedMs);
    since = Math.max(since, lost);
  }
  return since;
}
