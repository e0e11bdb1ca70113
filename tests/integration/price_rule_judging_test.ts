/**
 * Users' price rules judged in the consumer's transaction, on a real PostgreSQL: one alert per
 * crossing or move, the same whatever the batches' boundaries, none again when a batch is
 * delivered twice, nothing from a deleted rule, and no more often than a rule's frequency.
 */
import { recentPriceAlerts } from "../../store/price_alerts.ts";
import assert from "node:assert/strict";
import type { Sql } from "../../runtime/database.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";
import type { PriceRuleInput } from "../../domain/price_rule.ts";
import { createPriceRule, deletePriceRule } from "../../web/price_rule_queries.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";

/** A whole second a little ahead of now: rules judge the seconds after they were made. */
const START = Math.floor(Date.now() / 1_000) * 1_000 + 5_000;

/** Trades of `symbol`, `prices[s]` in second `s` after {@link START}, ids from `firstId`. */
function trades(prices: string[][], firstId = 1, symbol = "BTCUSDT"): TradeEvent[] {
  const events: TradeEvent[] = [];
  prices.forEach((second, s) =>
    second.forEach((price, k) => {
      const time = START + s * 1_000 + Math.floor((k * 1_000) / second.length);
      events.push({
        ...tradeEvent(firstId + events.length, price, "1", symbol),
        tradeTime: time,
        eventTime: time,
      });
    })
  );
  return events;
}

/** Stores `events` through the consumer's batch handler, `batchSize` messages at a time. */
async function consume(sql: Sql, events: TradeEvent[], batchSize: number) {
  const handler = testBatchHandler(sql, 3);
  for (let i = 0; i < events.length; i += batchSize) {
    await handler.accept(kafkaMessages(events.slice(i, i + batchSize)), BATCH_CONTEXT)();
  }
  return handler.stats;
}

async function alerts(sql: Sql) {
  const rows = await sql`
    select rule_id::int, extract(epoch from bucket)::int - ${START / 1_000}::int as second,
      direction, price::text, close::text, reference::text, change_percent::text
    from price_alerts order by rule_id, bucket
  `;
  return rows.map((r) => Object.values(r).join(" "));
}

/** Makes a BTCUSDT rule of `fields` (either way, every time, unless they say), as the page does. */
async function rule(sql: Sql, fields: Record<string, unknown>) {
  const created = await createPriceRule(
    sql,
    {
      symbol: "BTCUSDT",
      direction: "any",
      frequency: "every",
      frequencySeconds: null,
      ...fields,
    } as PriceRuleInput,
  );
  return created!.id;
}

// Second 0 is stored before the rules are made: its price (99) is the side they start on.
const CROSSING_PRICES = [
  ["99"],
  ["99.5", "100.5", "100.2", "100.1"], // up through 100
  ["100.3", "99.9", "100", "100.4"], // below and back: down first, up too
  ["99", "98", "97", "96"], // down
  ["96", "97", "98", "99"], // nothing
  ["101", "100.5"], // up
  ["100.5"], // completes second 5
];

const EXPECTED_CROSSINGS = [
  "1 1 up 100.50000000 100.10000000 100.00000000 ",
  "1 2 down 99.90000000 100.40000000 100.00000000 ",
  "1 3 down 96.00000000 96.00000000 100.00000000 ",
  "1 5 up 101.00000000 100.50000000 100.00000000 ",
  "2 1 up 100.50000000 100.10000000 100.00000000 ",
  "2 2 up 100.40000000 100.40000000 100.00000000 ",
  "2 5 up 101.00000000 100.50000000 100.00000000 ",
];

for (const batchSize of [100, 3, 1]) {
  Deno.test(`a crossing fires once, in batches of ${batchSize} as in one`, async () => {
    const db = await createTestDatabase();
    try {
      const events = trades(CROSSING_PRICES);
      await consume(db.sql, events.slice(0, 1), 1);
      await rule(db.sql, { kind: "crosses", direction: "any", level: "100" });
      await rule(db.sql, { kind: "crosses", direction: "up", level: "100" });
      const stats = await consume(db.sql, events.slice(1), batchSize);
      assert.deepEqual(await alerts(db.sql), EXPECTED_CROSSINGS);
      assert.equal(stats.priceAlerts, EXPECTED_CROSSINGS.length);
      // As the API reads them: those of seconds after 1 and before 5.
      const between = { since: new Date(START + 1_000), until: new Date(START + 5_000) };
      const read = await recentPriceAlerts(db.sql, { limit: 10, ...between });
      const seconds = read.map((a) => `${a.ruleId}@${(Date.parse(a.time) - START) / 1_000}`);
      assert.deepEqual(seconds.sort(), ["1@2", "1@3", "2@2"]);

      // Delivered again (a redelivery after a crash): nothing fires twice.
      const again = await consume(db.sql, events, 2);
      assert.equal(again.priceAlerts, 0);
      assert.deepEqual(await alerts(db.sql), EXPECTED_CROSSINGS);
      const [state] = await db.sql`
        select fired_count, side, extract(epoch from judged_until)::int - ${START / 1_000}::int
          as judged
        from price_rules where id = 1
      `;
      // Second 6 is not complete yet: no later trade.
      assert.deepEqual([state.fired_count, state.side, state.judged], [4, 1, 5]);
    } finally {
      await db.drop();
    }
  });
}

Deno.test("a move fires once until it has passed, and the other way later", async () => {
  const db = await createTestDatabase();
  try {
    // One trade a second: 100 for 10 s, 101.5 for 70 s (the move leaves the 1-minute window
    // after 60 s, re-arming the rule), then 100 (down 1.48 % from 101.5).
    const prices = [
      ...Array(10).fill(["100"]),
      ...Array(70).fill(["101.5"]),
      ["100"],
      ["100"],
    ];
    const events = trades(prices);
    await consume(db.sql, events.slice(0, 1), 1);
    await rule(db.sql, { kind: "moves", direction: "any", percent: "1", windowSeconds: 60 });
    await rule(db.sql, { kind: "moves", direction: "down", percent: "1.5", windowSeconds: 3_600 });
    await consume(db.sql, events.slice(1), 7);
    assert.deepEqual(await alerts(db.sql), [
      "1 10 up 101.50000000 101.50000000 100.00000000 1.50",
      "1 80 down 100.00000000 100.00000000 101.50000000 1.48",
    ]);
    const [{ armed }] = await db.sql`select armed from price_rules where id = 1`;
    assert.equal(armed, false, "the fall is still within the window");
  } finally {
    await db.drop();
  }
});

Deno.test("a deleted rule stops firing; one made later starts from the newest price", async () => {
  const db = await createTestDatabase();
  try {
    const events = trades([["99"], ["101"], ["99"], ["101"], ["99"], ["99"]]);
    await consume(db.sql, events.slice(0, 1), 1);
    const first = await rule(db.sql, { kind: "crosses", direction: "any", level: "100" });
    await consume(db.sql, events.slice(1, 3), 1);
    assert.ok(await deletePriceRule(db.sql, first));
    assert.equal(await deletePriceRule(db.sql, first), false, "deleted once");
    // Made after second 2 (99) was stored: second 3 (101) is its first crossing.
    await rule(db.sql, { kind: "crosses", direction: "down", level: "100" });
    await consume(db.sql, events.slice(3), 1);
    assert.deepEqual(await alerts(db.sql), [
      "1 1 up 101.00000000 101.00000000 100.00000000 ",
      "2 4 down 99.00000000 99.00000000 100.00000000 ",
    ]);
  } finally {
    await db.drop();
  }
});

for (const batchSize of [100, 1]) {
  Deno.test(`a once rule ends with its alert, an interval rule waits it out, in batches of ${batchSize}`, async () => {
    const db = await createTestDatabase();
    try {
      // Around 100 every other second for 200 s: 100 crossings, one every 2 s.
      const prices = Array.from({ length: 201 }, (_, s) => [s % 2 === 0 ? "99" : "101"]);
      const events = trades(prices);
      await consume(db.sql, events.slice(0, 1), 1);
      const once = await rule(db.sql, { kind: "crosses", level: "100", frequency: "once" });
      const minute = await rule(db.sql, {
        kind: "crosses",
        level: "100",
        frequency: "interval",
        frequencySeconds: 60,
      });
      const every = await rule(db.sql, { kind: "crosses", level: "100" });
      const moves = await rule(db.sql, {
        kind: "moves",
        percent: "1",
        windowSeconds: 60,
        frequency: "once",
      });
      const stats = await consume(db.sql, events.slice(1), batchSize);
      const fired = await db.sql`
        select rule_id::text as rule, array_agg(
          extract(epoch from bucket)::int - ${START / 1_000}::int order by bucket
        ) as seconds
        from price_alerts group by rule_id order by rule_id
      `;
      const seconds = new Map(fired.map((f) => [f.rule, f.seconds]));
      assert.deepEqual(seconds.get(once), [1], "once: the first crossing, then ended");
      assert.deepEqual(seconds.get(minute), [1, 61, 121, 181], "at most once a minute");
      assert.equal(seconds.get(every).length, 199, "every crossing of seconds 1 to 199");
      assert.deepEqual(seconds.get(moves), [1], "a once move rule ends too");
      assert.equal(stats.priceAlerts, 1 + 4 + 199 + 1);

      const rules = await db.sql`
        select id::text, ended_at is not null as ended, fired_count,
          extract(epoch from last_fired_at)::int - ${START / 1_000}::int as last
        from price_rules order by id
      `;
      assert.deepEqual(rules.map((r) => [r.ended, r.fired_count, r.last]), [
        [true, 1, 1],
        [false, 4, 181],
        [false, 199, 199],
        [true, 1, 1],
      ]);
      const live = await db.sql`select id::text from live_price_rules order by id`;
      assert.deepEqual(live.map((r) => r.id), [minute, every], "ended rules are not live");
      assert.equal(await deletePriceRule(db.sql, once), false, "an ended rule is not deleted");

      // Delivered again: nothing fires twice, an ended rule stays ended.
      assert.equal((await consume(db.sql, events, 7)).priceAlerts, 0);
    } finally {
      await db.drop();
    }
  });
}

Deno.test("a rule that cannot be judged keeps no trade out, and is judged with a later batch", async () => {
  const db = await createTestDatabase();
  try {
    // A stray price a billion times lower: the move is huge, and still stored exactly.
    const events = trades([["100"], ["0.00000001"], ["100"], ["100"], ["100"]]);
    await consume(db.sql, events.slice(0, 1), 1);
    await rule(db.sql, { kind: "moves", direction: "up", percent: "1", windowSeconds: 60 });
    // Stands for any fault of the judging: the alert cannot be stored.
    await db.sql`alter table price_alerts add constraint refused check (false)`;
    const refused = await consume(db.sql, events.slice(1, 4), 1);
    assert.deepEqual([refused.stored, refused.priceAlerts], [3, 0], "the trades are stored");
    assert.ok(refused.priceRuleFaults > 0);
    const [before] = await db.sql`select fired_count, armed from price_rules`;
    assert.deepEqual([before.fired_count, before.armed], [0, true], "its judging rolled back");

    await db.sql`alter table price_alerts drop constraint refused`;
    const judged = await consume(db.sql, events.slice(4), 1);
    assert.deepEqual([judged.priceAlerts, judged.priceRuleFaults], [1, 0]);
    assert.deepEqual(await alerts(db.sql), [
      "1 2 up 100.00000000 100.00000000 0.00000001 999999999900.00",
    ]);
  } finally {
    await db.drop();
  }
});
