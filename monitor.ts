/**
 * The monitor (`deno task monitor`): stores the producer's heartbeats and lost gaps from
 * `<topic>.status` in PostgreSQL, reads the consumer group's lag from Kafka, and every
 * `HEARTBEAT_INTERVAL_MS` evaluates the alert rules; each rule that fires or resolves is stored,
 * announced on `pipeline_health` for the dashboard, and POSTed to `ALERT_WEBHOOK_URL`. It runs
 * apart from the consumer it watches, so a stopped consumer still fires the lag rule. It also
 * POSTs the users' price alerts the consumer fired, each until the webhook accepts it.
 */
import { onShutdown, runEntry } from "./runtime/entry.ts";
import { monitorConfig } from "./runtime/config.ts";
import { createKafka, ensureTopics } from "./pipeline/kafka.ts";
import { startGroupMember } from "./pipeline/group_member.ts";
import { migratedPool } from "./db/migrations.ts";
import { decodeStatusEvent, type GapReport, type Heartbeat } from "./domain/status_event.ts";
import { evaluateRules, type Evaluation } from "./domain/alert_rules.ts";
import {
  applyEvaluations,
  forgetSilentInstances,
  recordGaps,
  reportStatus,
} from "./pipeline/status_store.ts";
import { readPipeline } from "./pipeline/pipeline_reading.ts";
import { AlertWebhook } from "./pipeline/alert_webhook.ts";
import { instanceName } from "./runtime/instance.ts";
import { counterFrom, createRegistry, gaugeFrom, serveMetrics } from "./runtime/metrics.ts";
import { followChannel } from "./runtime/follow_channel.ts";
import {
  claimPriceAlerts,
  releasePriceAlerts,
  settlePriceAlert,
} from "./pipeline/price_alert_outbox.ts";
import { priceAlertsByIds } from "./store/price_alerts.ts";
import { priceAlertNotice } from "./domain/alert_notice.ts";
import { PRICE_ALERTS_CHANNEL } from "./domain/price_alert_updates.ts";

await runEntry("monitor", monitorConfig, async (config, log) => {
  const { topic, statusTopic, groupId } = config.kafka;
  log.info("starting", { topic, statusTopic, groupId, thresholds: config.alerts });
  const stopping = new AbortController();
  let stop = () => Promise.resolve(stopping.abort());
  onShutdown(log, () => stop());

  const database = await migratedPool(config.databaseUrl, log, stopping.signal);
  if (!database) return;

  const kafka = createKafka(config.kafka, "crypto-monitor", log);
  const admin = kafka.admin();
  const webhook = config.alertWebhookUrl
    ? new AlertWebhook({ url: config.alertWebhookUrl, log })
    : undefined;
  const startedAt = Date.now();
  const instance = instanceName();
  const firing = new Map<string, Evaluation>();
  let evaluations = 0;

  // The producer's reports, stored as they come; a heartbeat replaces the instance's row.
  const member = startGroupMember({
    kafka,
    groupId: `${groupId}.monitor`,
    topic: statusTopic,
    maxBytesPerPartition: config.consumerMaxBatchBytes,
    sessionTimeoutMs: config.consumerSessionTimeoutMs,
    log,
    async prepare() {
      await ensureTopics(kafka, [topic, statusTopic]);
      await admin.connect();
    },
    onJoin: () => {},
    accept(messages) {
      const newest = new Map<string, Heartbeat>();
      const gaps: GapReport[] = [];
      for (const message of messages) {
        const event = decodeStatusEvent(message.value?.toString("utf8"));
        if (event?.type === "heartbeat") newest.set(event.instance, event);
        else if (event?.type === "gap") gaps.push(event);
        else log.warn("status message ignored", { offset: message.offset });
      }
      return async () => {
        for (const beat of newest.values()) {
          await reportStatus(database.sql, beat, beat.instance, beat.at);
        }
        await recordGaps(database.sql, gaps);
      };
    },
  });

  const evaluate = async () => {
    const reading = await readPipeline(database.sql, admin, {
      topic,
      groupId,
      symbols: config.symbols,
      silenceMs: 3 * config.heartbeatIntervalMs,
      startedAt,
    }, log);
    const results = evaluateRules(reading, config.alerts);
    for (const result of results) {
      firing.set(`${result.rule} ${result.subject}`, result);
    }
    for (const notice of await applyEvaluations(database.sql, results)) {
      log[notice.state === "firing" ? "warn" : "info"](`alert ${notice.state}`, { ...notice });
      webhook?.send(notice);
    }
    await reportStatus(
      database.sql,
      {
        component: "monitor",
        state: { evaluations: ++evaluations, webhookPending: webhook?.pending ?? 0 },
      },
      instance,
      Date.now(),
    );
    await forgetSilentInstances(database.sql);
  };
  // Users' price alerts: claimed as the consumer announces them (and at each evaluation, for
  // those a lapsed claim or a failed announcement left), then posted until accepted, on a queue
  // of their own so they never hold up the rules' notices. Claims run one after another, so an
  // alert posted and settled meanwhile is never claimed twice.
  const priceWebhook = config.alertWebhookUrl
    ? new AlertWebhook({ url: config.alertWebhookUrl, log })
    : undefined;
  const posting = new Set<string>();
  const settling = new Set<Promise<void>>();
  const claimAndPost = async () => {
    if (!priceWebhook) return;
    const ids = await claimPriceAlerts(database.sql, instance, [...posting]);
    if (ids.length === 0) return;
    for (const alert of await priceAlertsByIds(database.sql, ids)) {
      posting.add(alert.id);
      priceWebhook.send(priceAlertNotice(alert), (delivered) => {
        const settled = settlePriceAlert(database.sql, alert.id, delivered)
          .catch((error) => log.warn("price alert delivery not recorded", { id: alert.id, error }))
          .finally(() => {
            posting.delete(alert.id);
            settling.delete(settled);
          });
        settling.add(settled);
      });
    }
  };
  let claiming = Promise.resolve();
  const deliverPriceAlerts = () => {
    const claim = claiming.then(claimAndPost);
    claiming = claim.catch(() => {});
    return claim;
  };
  const stopFollowing = priceWebhook
    ? followChannel(database.sql, PRICE_ALERTS_CHANNEL, deliverPriceAlerts, {
      log,
      signal: stopping.signal,
    })
    : () => Promise.resolve();
  let evaluating: Promise<void> | undefined;
  const timer = setInterval(() => {
    evaluating ??= evaluate()
      .catch((error) => log.warn("alert evaluation failed; trying again", { error }))
      .then(deliverPriceAlerts)
      .catch((error) => log.warn("price alerts not claimed; trying again", { error }))
      .finally(() => evaluating = undefined);
  }, config.heartbeatIntervalMs);

  const registry = createRegistry();
  gaugeFrom(registry, {
    name: "monitor_alert_firing",
    help: '1 while the rule fires for the subject ("" for the whole pipeline).',
    labels: ["rule", "subject"],
    read: () => [...firing.values()].map((e) => [{ rule: e.rule, subject: e.subject }, +e.firing]),
  });
  counterFrom(registry, {
    name: "monitor_evaluations_total",
    help: "Evaluations of the alert rules.",
    read: () => evaluations,
  });
  counterFrom(registry, {
    name: "monitor_webhook_delivered_total",
    help: "Notices, the rules' and price alerts, the webhook accepted.",
    read: () => (webhook?.delivered ?? 0) + (priceWebhook?.delivered ?? 0),
  });
  counterFrom(registry, {
    name: "monitor_webhook_failures_total",
    help: "Failed webhook POSTs, retries included.",
    read: () => (webhook?.failures ?? 0) + (priceWebhook?.failures ?? 0),
  });
  counterFrom(registry, {
    name: "monitor_webhook_dropped_total",
    help: "Notices given up: every retry failed, or the webhook refused them (4xx).",
    read: () => (webhook?.dropped ?? 0) + (priceWebhook?.dropped ?? 0),
  });
  const stopMetrics = serveMetrics(registry, config.metricsPort, log);

  const close = async () => {
    stopping.abort();
    clearInterval(timer);
    await evaluating;
    await stopFollowing();
    await stopMetrics();
    await member.stop();
    await webhook?.stop();
    if (priceWebhook) {
      await priceWebhook.stop();
      // Recorded first: a delivered alert must not be given back and posted again.
      await Promise.all(settling);
      await releasePriceAlerts(database.sql, instance)
        .catch((error) => log.warn("price alert claims not released", { error }));
    }
    await admin.disconnect().catch(() => {});
    await database.end();
  };
  stop = async () => {
    await close();
    log.info("stopped", { evaluations });
  };
  await member.done.catch(async (error) => {
    await close();
    throw error;
  });
});
