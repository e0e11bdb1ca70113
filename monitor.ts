/**
 * The monitor (`deno task monitor`): stores the producer's heartbeats and lost gaps from
 * `<topic>.status` in PostgreSQL, reads the consumer group's lag from Kafka, and every
 * `HEARTBEAT_INTERVAL_MS` evaluates the alert rules; each rule that fires or resolves is stored,
 * announced on `pipeline_health` for the dashboard, and POSTed to `ALERT_WEBHOOK_URL`. It runs
 * apart from the consumer it watches, so a stopped consumer still fires the lag rule. It also
 * POSTs the users' price alerts the consumer fired, each until the webhook accepts it.
 */
import { runEntry } from "./runtime/entry.ts";
import { stoppable, untilAborted } from "./runtime/stoppable.ts";
import { monitorConfig } from "./runtime/config.ts";
import { createKafka, ensureTopics } from "./pipeline/kafka.ts";
import { checkBrokerTls } from "./pipeline/broker_tls_check.ts";
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
import { createRegistry, serveMetrics } from "./runtime/metrics.ts";
import { startPriceAlertDelivery } from "./pipeline/price_alert_delivery.ts";
import { registerMonitorMetrics } from "./pipeline/monitor_metrics.ts";

await runEntry("monitor", monitorConfig, async (config, { log, stopping }) => {
  const { topic, statusTopic, groupId } = config.kafka;
  log.info("starting", { topic, statusTopic, groupId, thresholds: config.alerts });
  const startedAt = Date.now();
  const instance = instanceName();
  const firing = new Map<string, Evaluation>();
  let evaluations = 0;
  // Logged last, once every part below has stopped.
  await using _stopped = stoppable(() => stopping.aborted && log.info("stopped", { evaluations }));
  await using database = await migratedPool(config.databaseUrl, log, stopping);
  if (!database) return;

  await checkBrokerTls(config.kafka);
  const kafka = createKafka(config.kafka, "crypto-monitor", log);
  const admin = kafka.admin();
  await using _admin = stoppable(() => admin.disconnect().catch(() => {}));
  // One client for the URL; the rules' notices and price alerts each on a lane of their own.
  const webhook = config.alertWebhookUrl
    ? new AlertWebhook({ url: config.alertWebhookUrl, log })
    : undefined;
  // Stopped after the webhook: it records what the webhook settled and gives back the rest.
  await using delivery = webhook &&
    startPriceAlertDelivery({ sql: database.sql, webhook, instance, log });
  await using _webhook = webhook;

  // The producer's reports, stored as they come; a heartbeat replaces the instance's row.
  await using member = startGroupMember({
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
  const registry = createRegistry();
  registerMonitorMetrics(registry, { firing, evaluations: () => evaluations, webhook });
  await using _metrics = serveMetrics(registry, config.metricsPort, log);
  let evaluating: Promise<void> | undefined;
  const timer = setInterval(() => {
    evaluating ??= evaluate()
      .catch((error) => log.warn("alert evaluation failed; trying again", { error }))
      .then(() => delivery?.deliver())
      .catch((error) => log.warn("price alerts not claimed; trying again", { error }))
      .finally(() => evaluating = undefined);
  }, config.heartbeatIntervalMs);
  await using _evaluations = stoppable(async () => {
    clearInterval(timer);
    await evaluating;
  });
  // Until stopped; an unrecoverable error of the member ends the process through runEntry.
  await untilAborted(stopping, member.done);
});
