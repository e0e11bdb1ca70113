/**
 * The live stream's source: one LISTEN per channel and dashboard process. Each NOTIFY from the
 * consumer (under load, each run of them, merged) becomes typed events in a {@link LiveHub}
 * (per-symbol updates, whale alerts with their trade id), and the health and price alert panels
 * are re-read when their channels say so.
 */
import type { ListenMeta } from "postgres";
import type { Sql } from "../runtime/database.ts";
import { retryTransient } from "../runtime/retry.ts";
import { followChannel } from "../runtime/follow_channel.ts";
import { asUnrecoverable } from "../runtime/unrecoverable.ts";
import type { Logger } from "../runtime/log.ts";
import {
  decodeTradeUpdates,
  mergeTradeUpdates,
  TRADE_UPDATES_CHANNEL,
  type TradeUpdates,
} from "../domain/trade_updates.ts";
import { pipelineHealth, recentTradesByIds, symbolSummaries } from "./dashboard_queries.ts";
import { PIPELINE_HEALTH_CHANNEL } from "../domain/alert_notice.ts";
import { PRICE_ALERTS_CHANNEL } from "../domain/price_alert_updates.ts";
import { priceAlertsView } from "./price_rule_queries.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";
import { LiveHub, type LiveHubOptions } from "./live_hub.ts";

/**
 * Starts listening on the consumer's channel. After the listener reconnects (postgres.js does
 * so with backoff), notifications sent meanwhile are lost, so clients are told to resync. When
 * the database does not answer at start, the dashboard serves without live updates and keeps
 * trying; refused credentials or permissions are thrown.
 */
export async function startLiveFeed(
  sql: Sql,
  log: Logger,
  options: LiveHubOptions = {},
): Promise<Stoppable & { hub: LiveHub }> {
  const hub = new LiveHub(options);
  // Notifications that arrive while one is expanded wait here and are then expanded as one,
  // so a slow expansion delays the next by at most its own length, never a growing queue.
  let pending: string[] = [];
  let expanding = false;
  const drain = async () => {
    expanding = true;
    while (pending.length > 0) {
      const payloads = pending;
      pending = [];
      try {
        await expand(sql, hub, mergeTradeUpdates(payloads.map(decodeTradeUpdates)));
      } catch (error) {
        log.warn("a notification could not be expanded; clients resync", { error });
        hub.publish("resync", { reason: "update lost" });
      }
    }
    expanding = false;
  };
  let first = true;
  const listen = () =>
    sql.listen(
      TRADE_UPDATES_CHANNEL,
      (payload) => {
        pending.push(payload);
        if (!expanding) drain();
      },
      () => {
        hub.listening = true;
        if (!first) {
          log.info("listener reconnected; clients resync");
          hub.publish("resync", { reason: "listener reconnected" });
        }
        first = false;
      },
    );
  const stopping = new AbortController();
  // The health and price alert panels, each read again after a NOTIFY on its channel.
  // The page renders their first state.
  const following = { log, signal: stopping.signal };
  const panels = [
    followChannel(sql, PIPELINE_HEALTH_CHANNEL, async () => {
      hub.publish("health", await pipelineHealth(sql));
    }, following),
    followChannel(sql, PRICE_ALERTS_CHANNEL, async () => {
      hub.publish("price_alerts", await priceAlertsView(sql));
    }, following),
  ];
  let listener: ListenMeta | undefined;
  try {
    listener = await listen();
  } catch (error) {
    const unrecoverable = asUnrecoverable(error, "database");
    if (unrecoverable) throw unrecoverable;
    log.warn("cannot listen yet; live updates start once the database answers", { error });
    retryTransient("listen", listen, { log, service: "database", signal: stopping.signal })
      .then(async (started) => {
        if (stopping.signal.aborted) await started?.unlisten();
        else listener = started;
      })
      .catch((error) => log.error("live updates are off", { error }));
  }
  return {
    hub,
    ...stoppable(async () => {
      stopping.abort();
      hub.listening = false;
      await listener?.unlisten();
      await Promise.all(panels.map((stop) => stop()));
      hub.close();
    }),
  };
}

/** Publishes what `change` announces: each symbol's summary, then its new whale trades. */
async function expand(sql: Sql, hub: LiveHub, change: TradeUpdates): Promise<void> {
  if (change.truncated) {
    hub.publish("resync", { reason: "too many changes at once" });
    return;
  }
  const changes = change.symbols ?? [];
  if (changes.length === 0) return;
  const symbols = changes.map((c) => c.symbol);
  const summaries = await symbolSummaries(sql, symbols);
  for (const summary of summaries) hub.publish("update", summary);
  const whales = changes.flatMap((c) => c.whaleTradeIds.map((id) => [c.symbol, id]));
  if (whales.length === 0) return;
  for (const whale of await recentTradesByIds(sql, whales as [string, number][])) {
    hub.publish("whale", whale);
  }
}
