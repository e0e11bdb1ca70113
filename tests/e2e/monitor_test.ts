/**
 * The monitor on the real stack: heartbeats and consumer reports land in `pipeline_status`, a gap
 * the simulator cannot serve lands in `trade_gaps`, and with lowered thresholds a stopped
 * consumer fires the lag rule (on the webhook, in `/metrics`, in a `health` event) that its
 * restart resolves, and a stopped producer fires the disconnected rule.
 */
import assert from "node:assert/strict";
import { startLiveFeed } from "../../web/live_feed.ts";
import type { AlertNotice } from "../../domain/alert_notice.ts";
import { startWebhook } from "../helpers/webhook.ts";
import type { HealthView } from "../../domain/dashboard_views.ts";
import { startComponent } from "../helpers/component_process.ts";
import { startTestStack } from "../helpers/test_stack.ts";
import { waitFor } from "../helpers/wait.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";

Deno.test({
  name: "the monitor records health and gaps, and fires and resolves alerts",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Five trades of history: a reconnect misses more, and REST cannot serve them.
    await using stack = await startTestStack({ rate: 40, seed: 5, historySize: 5 });
    const { db, simulator } = stack;
    // The first POST fails: the monitor must retry it, not lose it.
    const webhook = stack.hold(startWebhook<AlertNotice>(), (hook) => hook.shutdown());
    const notices = webhook.accepted;
    const env = stack.env({ groupId: "monitored" }, {
      HEARTBEAT_INTERVAL_MS: "500",
      ALERT_KAFKA_LAG: "30",
      ALERT_PRODUCER_DISCONNECTED_SECONDS: "2",
      ALERT_WEBHOOK_URL: webhook.url,
    });
    const live = stack.hold(await startLiveFeed(db.sql, quietLog), (hub) => hub.stop());
    const health: HealthView[] = [];
    live.hub.subscribe(({ events }) => {
      for (const event of events) if (event.type === "health") health.push(event.data);
    });
    const app = dashboardApp({ sql: db.sql });
    const metrics = async () =>
      await (await app.fetch(new Request("http://dashboard/metrics"))).text();
    const posted = (rule: string, state: AlertNotice["state"], since = new Date(0)) =>
      notices.filter((n) =>
        n.rule === rule && n.state === state && Date.parse(n.firedAt) > since.getTime()
      ).length;
    const databaseNow = async () => (await db.sql<{ now: Date }[]>`select now()`)[0].now;

    const monitor = stack.hold(await startComponent("monitor.ts", "monitor", env));
    let consumer = await startComponent("consumer.ts", "monitor-consumer-1", env);
    // The consumer in place at the end: it is replaced when killed.
    stack.hold(consumer, () => consumer.stop());
    const producer = stack.hold(
      await startComponent("producer.ts", "monitor-producer", env),
    );
    await waitFor("producer and consumer reports", async () => {
      const rows = await db.sql`select distinct component from pipeline_status`;
      return rows.length === 3;
    });

    simulator.dropConnections();
    await waitFor(
      "the unservable gap recorded",
      async () => (await db.sql`select 1 from trade_gaps`).length > 0,
    );
    const [gap] = await db.sql`
        select symbol, first_missing_id, last_missing_id, reason from trade_gaps
      `;
    assert.ok(SYMBOLS.includes(gap.symbol));
    assert.ok(Number(gap.last_missing_id) >= Number(gap.first_missing_id));
    assert.match(gap.reason, /historicalTrades/);
    assert.match(await metrics(), /^crypto_trades_lost_total [1-9]\d*$/m);

    // Start-up may fire alerts of its own (a group that has committed nothing yet lags), and
    // their notices may still be on their way (the first POST is refused and retried): the
    // stop's notices are told apart by the time the alert fired.
    const firingNow = async (rule: string) =>
      (await db.sql`select 1 from alerts where rule = ${rule} and firing`).length > 0;
    await waitFor(
      "the pipeline caught up",
      async () => !(await firingNow("kafka_lag")) && !(await firingNow("producer_disconnected")),
    );
    const consumerStopped = await databaseNow();
    const sinceStop = (state: AlertNotice["state"]) => posted("kafka_lag", state, consumerStopped);
    const healthSeen = health.length;
    assert.equal((await consumer.stop("SIGTERM")).code, 0);
    await waitFor("the lag alert posted", () => sinceStop("firing") > 0, 30_000);
    assert.match(await metrics(), /^crypto_alert_firing\{rule="kafka_lag",subject=""\} 1$/m);
    await waitFor(
      "the lag alert on the stream",
      () =>
        health.slice(healthSeen).some((h) =>
          h.alerts.some((a) => a.rule === "kafka_lag" && a.firing)
        ),
    );

    consumer = await startComponent("consumer.ts", "monitor-consumer-2", env);
    await waitFor("the lag alert resolved", () => sinceStop("resolved") > 0, 60_000);
    assert.match(await metrics(), /^crypto_alert_firing\{rule="kafka_lag",subject=""\} 0$/m);
    assert.equal(sinceStop("firing"), 1, "one POST when it fired");
    assert.equal(sinceStop("resolved"), 1, "one when it resolved");
    // The refused first POST was retried: every firing has its resolution, none went missing
    // (a lane posts in order, so the earlier notices came before this resolution).
    assert.ok(monitor.logs().some((l) => l.msg === "alert webhook refused the notice"));
    assert.equal(posted("kafka_lag", "firing"), posted("kafka_lag", "resolved"));

    const producerStopped = await databaseNow();
    assert.equal((await producer.stop("SIGTERM")).code, 0);
    await waitFor(
      "the disconnected alert posted",
      () => posted("producer_disconnected", "firing", producerStopped) > 0,
      30_000,
    );
    const [alert] = await db.sql`
        select firing, value, threshold from alerts where rule = 'producer_disconnected'
      `;
    assert.deepEqual([alert.firing, alert.threshold], [true, 2]);
    assert.ok(alert.value > 2);
  },
});
