/**
 * Users' price alerts on the real stack: rules made through the dashboard's API are judged by
 * a consumer killed at random instants, and every alert stored is exactly the one an
 * independent reading of the stored 1-second candles expects (once per crossing or move, none
 * twice after a restart); the monitor delivers each to the webhook once, retrying a refused
 * POST, and the dashboard's live hub publishes them.
 */
import assert from "node:assert/strict";
import { type Admin, Kafka, logLevel } from "kafkajs";
import type { Simulator } from "../../stack/simulator.ts";
import type { Sql } from "../../runtime/database.ts";
import { startLiveFeed } from "../../web/live_feed.ts";
import type { PriceAlertNotice } from "../../domain/alert_notice.ts";
import type { PriceAlertsView, SymbolSummary } from "../../domain/dashboard_views.ts";
import { type ComponentProcess, startComponent } from "../helpers/component_process.ts";
import { waitFor } from "../helpers/wait.ts";
import { startTestStack } from "../helpers/test_stack.ts";
import { countTrades } from "../helpers/expected_trades.ts";
import { startWebhook } from "../helpers/webhook.ts";
import { dashboardApp, quietLog, SYMBOLS } from "../helpers/dashboard_app.ts";
import {
  crossingRule,
  expectedCrossings,
  expectedMoves,
  MOVE_WINDOW_SECONDS,
  moveRule,
  newestCompleteBucket,
  type Rule,
  type RuleState,
  ruleState,
  secondCandles,
  storedAlerts,
} from "../helpers/price_alert_reading.ts";

const TOKEN = "price-alerts-e2e-admin-token";
const GROUP_ID = "price-alerts";
/**
 * The simulator's walk moves about 0.02 % a second, so a 1-minute window holds such a move as
 * soon as the rule is made: it fires on its first candle and, watching both ways, stays
 * disarmed while the window keeps the move.
 */
const MOVE_PERCENT = "0.02";
/** Often reached one way within seconds, and often not: an `up` rule fires, re-arms, fires. */
const UP_MOVE_PERCENT = "0.03";
const KILLS = 3;
/** How far back the group's offsets are moved after a kill: seconds of trades delivered again. */
const REWIND_MESSAGES = 200;
const CROSSINGS_WANTED = 3;

/** Whether every trade the simulator sent is stored (it sends no duplicates here). */
async function caughtUp(sql: Sql, simulator: Simulator): Promise<boolean> {
  return (await countTrades(sql)) === simulator.sentTrades().length;
}

/**
 * Once the killed member's session has ended, moves `groupId`'s committed offsets back by
 * `messages`, as commits that never reached Kafka leave them: stored trades come again.
 */
async function rewindGroup(admin: Admin, groupId: string, topic: string, messages: number) {
  await waitFor("the killed consumer's session to end", async () => {
    const { groups: [group] } = await admin.describeGroups([groupId]);
    return group.state === "Empty";
  }, 30_000);
  const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const back = BigInt(messages);
  await admin.setOffsets({
    groupId,
    topic,
    partitions: partitions
      .filter((p) => BigInt(p.offset) > 0n)
      .map((p) => ({
        partition: p.partition,
        offset: String(BigInt(p.offset) > back ? BigInt(p.offset) - back : 0n),
      })),
  });
}

/** Creates a rule through the dashboard's API; returns its id. */
async function postRule(
  app: { fetch(request: Request): Response | Promise<Response> },
  rule: Record<string, string>,
): Promise<string> {
  const response = await app.fetch(
    new Request("http://dashboard/api/price-rules", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(rule),
    }),
  );
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return JSON.parse(text).rule.id;
}

Deno.test({
  name:
    "price alerts fire once per crossing or move across consumer kills, reach the webhook and the live stream",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = await startTestStack({ rate: 50, seed: 11 });
    const { broker, db, simulator } = stack;
    // The webhook: the first price alert POSTed is refused, so the monitor must retry it.
    const webhook = startWebhook<PriceAlertNotice>((notice) =>
      typeof notice.rule === "string" && notice.rule.startsWith("price_")
    );
    stack.hold(webhook, (hook) => hook.shutdown());
    const accepted = webhook.accepted;
    const env = stack.env({ groupId: GROUP_ID }, {
      HEARTBEAT_INTERVAL_MS: "500",
      ALERT_WEBHOOK_URL: webhook.url,
    });
    // Small batches, so kills land between and inside many judging transactions; a short
    // session lets the group hand a killed member's partitions on quickly.
    const consumerEnv = {
      ...env,
      CONSUMER_MAX_BATCH_BYTES: "4096",
      KAFKA_SESSION_TIMEOUT_MS: "6000",
    };
    const live = stack.hold(await startLiveFeed(db.sql, quietLog), (hub) => hub.stop());
    const panels: PriceAlertsView[] = [];
    live.hub.subscribe(({ events }) => {
      for (const event of events) if (event.type === "price_alerts") panels.push(event.data);
    });
    const app = dashboardApp({
      sql: db.sql,
      symbols: SYMBOLS,
      adminToken: TOKEN,
      live: live.hub,
    });

    const monitor = stack.hold(
      await startComponent("monitor.ts", "price-alerts-monitor", env),
    );
    let consumer: ComponentProcess = await startComponent(
      "consumer.ts",
      "price-alerts-consumer-0",
      consumerEnv,
    );
    // The consumer in place at the end: it is replaced when killed.
    stack.hold(consumer, () => consumer.stop());
    const producer = stack.hold(
      await startComponent("producer.ts", "price-alerts-producer", env),
    );
    const consumers = [consumer];
    const admin = stack.hold(
      new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin(),
      (client) => client.disconnect(),
    );
    await admin.connect();
    await waitFor("trades of both symbols stored", async () => {
      const rows = await db.sql`select 1 from trade_aggregates where trade_count >= 100`;
      return rows.length === SYMBOLS.length;
    });
    // Paused and caught up, so nothing judges between a rule's creation and reading its state.
    simulator.pause();
    await waitFor("the consumer caught up", () => caughtUp(db.sql, simulator));
    const response = await app.fetch(new Request("http://dashboard/api/aggregates"));
    const { aggregates } = await response.json() as { aggregates: SymbolSummary[] };
    const lastPrice = (symbol: string) => aggregates.find((a) => a.symbol === symbol)!.lastPrice;
    const rules: Rule[] = [
      crossingRule("BTCUSDT", lastPrice("BTCUSDT"), "any"),
      crossingRule("ETHUSDT", lastPrice("ETHUSDT"), "up"),
      moveRule("BTCUSDT", MOVE_PERCENT, "any"),
      // One way only, so it is armed again whenever the price is back near the window's low.
      moveRule("ETHUSDT", UP_MOVE_PERCENT, "up"),
    ];
    const start = new Map<Rule, RuleState>();
    for (const rule of rules) {
      rule.id = await postRule(app, rule.body);
      start.set(rule, await ruleState(db.sql, rule.id));
    }
    assert.deepEqual(
      rules.filter((r) => r.kind === "crosses").map((r) => start.get(r)!.side),
      [1, 1],
      "a rule at the last price starts at or above it",
    );
    simulator.resume();

    // Killed at random instants while it stores trades and judges rules; restarted once its
    // session has ended, with the offsets moved back so stored trades are delivered again.
    /** Resolves once over 20 trades more than now are stored: the consumer is at work. */
    const storing = async (name: string) => {
      const before = await countTrades(db.sql);
      await waitFor(
        `${name} storing trades`,
        async () => (await countTrades(db.sql)) > before + 20,
        30_000,
      );
    };
    for (let kill = 1; kill <= KILLS; kill++) {
      await storing(`consumer ${kill - 1}`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_000));
      await consumer.stop("SIGKILL");
      await rewindGroup(admin, GROUP_ID, env.KAFKA_TOPIC, REWIND_MESSAGES);
      consumer = await startComponent(
        "consumer.ts",
        `price-alerts-consumer-${kill}`,
        consumerEnv,
      );
      consumers.push(consumer);
    }
    await storing("the last consumer");
    await waitFor(
      `the BTCUSDT crossing rule fired ${CROSSINGS_WANTED} times`,
      async () => {
        const rows = await db.sql`select 1 from price_alerts where rule_id = ${rules[0].id}`;
        return rows.length >= CROSSINGS_WANTED;
      },
      60_000,
    );

    simulator.pause();
    await waitFor("every trade sent stored", () => caughtUp(db.sql, simulator), 30_000);
    assert.equal((await producer.stop("SIGTERM")).code, 0, "the producer stops cleanly");
    assert.ok(await caughtUp(db.sql, simulator), "nothing more came after the producer");
    assert.equal((await consumer.stop("SIGTERM")).code, 0, "the consumer stops cleanly");
    const redelivered = consumers
      .map((c) => Math.max(0, ...c.logs().map((l) => Number(l.duplicates ?? 0))))
      .reduce((a, b) => a + b);
    assert.ok(redelivered > 0, "the rewound offsets delivered stored trades again");

    // Each rule's alerts against the stored candles it judged, read independently.
    const end = new Map<Rule, RuleState>();
    for (const rule of rules) {
      const [from, to] = [start.get(rule)!, await ruleState(db.sql, rule.id)];
      end.set(rule, to);
      assert.equal(
        to.judgedUntil,
        await newestCompleteBucket(db.sql, rule.symbol),
        `${rule.name} judged every completed candle`,
      );
      const judged = await secondCandles(db.sql, rule.symbol, from.judgedUntil, to.judgedUntil);
      const expected = rule.kind === "crosses"
        ? expectedCrossings(judged, from.side, rule.level, rule.direction)
        : expectedMoves(
          judged,
          await secondCandles(
            db.sql,
            rule.symbol,
            from.judgedUntil - MOVE_WINDOW_SECONDS * 1_000,
            to.judgedUntil,
          ),
          from.armed,
          rule.percent,
          MOVE_WINDOW_SECONDS,
          rule.direction,
        );
      assert.deepEqual(await storedAlerts(db.sql, rule.id), expected, `${rule.name}'s alerts`);
      assert.equal(to.firedCount, expected.length, `${rule.name}'s fired_count`);
    }
    assert.ok(end.get(rules[2])!.firedCount >= 1, "the BTCUSDT move rule fired");

    // Every alert reaches the webhook once, the refused one retried; each is marked delivered.
    const alerts = await db.sql<
      { id: string; rule_id: string; symbol: string; direction: string; kind: string }[]
    >`
        select a.id::text, a.rule_id::text, a.symbol, a.direction, r.kind
        from price_alerts a join price_rules r on r.id = a.rule_id order by a.id
      `;
    await waitFor("every alert delivered", async () => {
      const [{ pending }] = await db.sql<{ pending: number }[]>`
          select count(*)::int as pending from price_alerts where delivered_at is null
        `;
      return pending === 0 && accepted.length >= alerts.length;
    }, 30_000);
    assert.ok(
      alerts.some((a) => a.id === webhook.refused()?.id),
      "a price alert's POST was refused",
    );
    assert.ok(monitor.logs().some((l) => l.msg === "alert webhook refused the notice"));
    assert.deepEqual(
      accepted.map((n) => n.id).sort((a, b) => Number(a) - Number(b)),
      alerts.map((a) => a.id),
      "each alert accepted exactly once, the refused one included",
    );
    for (const alert of alerts) {
      const notice = accepted.find((n) => n.id === alert.id)!;
      assert.deepEqual(
        [notice.v, notice.rule, notice.subject, notice.state, notice.ruleId, notice.direction],
        [1, `price_${alert.kind}`, alert.symbol, "fired", alert.rule_id, alert.direction],
        `the notice of alert ${alert.id}`,
      );
    }
    const [{ given_up }] = await db.sql<{ given_up: number }[]>`
        select count(*)::int as given_up from price_alerts where given_up_at is not null
      `;
    assert.equal(given_up, 0);

    // The live stream published the alerts, and ends on the panel as it now is.
    const newest = alerts.map((a) => a.id).reverse().slice(0, 20);
    const firedCounts = new Map(rules.map((r) => [r.id, end.get(r)!.firedCount]));
    await waitFor("the final panel on the live stream", () => {
      const last = panels.at(-1);
      return last !== undefined &&
        JSON.stringify(last.alerts.map((a) => a.id)) === JSON.stringify(newest) &&
        last.rules.length === rules.length &&
        last.rules.every((r) => r.firedCount === firedCounts.get(r.id));
    });
    const published = new Set(panels.flatMap((p) => p.alerts.map((a) => a.id)));
    const missing = alerts.filter((a) => !published.has(a.id)).map((a) => a.id);
    assert.deepEqual(missing, [], "every alert was on the live stream");
  },
});
