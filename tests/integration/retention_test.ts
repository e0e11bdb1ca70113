import assert from "node:assert/strict";
import { maintainPartitions, PARTITION_DAYS_AHEAD } from "../../pipeline/partition_keeper.ts";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";

const DAY = 86_400_000;

Deno.test("whole days past retention are dropped with their price alerts; counts and candles stay", async () => {
  const db = await createTestDatabase();
  try {
    const now = Date.now();
    const handler = testBatchHandler(db.sql, 2);
    const at = (id: number, ms: number) => ({ ...tradeEvent(id, "100"), tradeTime: ms });
    await handler.accept(
      kafkaMessages([at(1, now - 40 * DAY), at(2, now - 10 * DAY), at(3, now)]),
      BATCH_CONTEXT,
    )();

    // Price alerts of the day dropped, and of one kept.
    await db.sql`
      insert into price_rules (symbol, kind, direction, level, judged_until)
      values ('BTCUSDT', 'crosses', 'any', 100, now())
    `;
    await db.sql`
      insert into price_alerts (rule_id, symbol, direction, bucket, price, close, reference,
        close_trade_id)
      select 1, 'BTCUSDT', 'up', to_timestamp(ms / 1000.0), 100, 100, 100, 1
      from unnest(${[now - 40 * DAY, now - 10 * DAY]}::float8[]) as ms
    `;
    const policy = { tradesRetentionDays: 30, candlesRetentionDays: undefined };
    const report = await maintainPartitions(db.sql, policy, now);
    const old = new Date(now - 40 * DAY).toISOString().slice(0, 10).replaceAll("-", "");
    assert.deepEqual(report.dropped, [`trades_${old}`]);
    assert.equal(report.candlesDeleted, 0);
    assert.equal(report.priceAlertsDeleted, 1);
    const kept = await db.sql`select trade_id::int from trades order by 1`;
    assert.deepEqual(kept.map((r) => r.trade_id), [2, 3]);
    const [aggregate] = await db.sql`select trade_count::int from trade_aggregates`;
    assert.equal(aggregate.trade_count, 3, "the count goes on from the beginning");
    const [{ oldest }] = await db
      .sql`select min(bucket) as oldest from candles where interval_seconds = 1`;
    assert.equal(oldest.getTime(), Math.floor((now - 40 * DAY) / 1000) * 1000, "candles kept");
    const partitions = await db.sql`select range_start from trade_partitions`;
    const last = partitions.at(-1)!.range_start.getTime();
    assert.equal(last, Math.floor(now / DAY) * DAY + PARTITION_DAYS_AHEAD * DAY, "days ahead");

    const again = await maintainPartitions(
      db.sql,
      { tradesRetentionDays: 30, candlesRetentionDays: 35 },
      now,
    );
    assert.deepEqual(again, {
      created: 0,
      dropped: [],
      candlesDeleted: 5,
      priceAlertsDeleted: 0,
    });
  } finally {
    await db.drop();
  }
});

Deno.test("a trade past retention is dead-lettered, not stored again after its day is gone", async () => {
  const db = await createTestDatabase();
  try {
    const letters: DeadLetter[] = [];
    const now = Date.now();
    const handler = testBatchHandler(db.sql, 2, {
      sendDeadLetters: (sent) => Promise.resolve(void letters.push(...sent)),
      tradesRetentionDays: 30,
      now: () => now,
    });
    const expired = { ...tradeEvent(1, "100"), tradeTime: now - 31 * DAY };
    const fresh = { ...tradeEvent(2, "100"), tradeTime: now };
    await handler.accept(kafkaMessages([expired, fresh]), BATCH_CONTEXT)();
    assert.deepEqual(
      (await db.sql`select trade_id::int from trades`).map((r) => r.trade_id),
      [2],
    );
    assert.equal(letters.length, 1);
    assert.match(letters[0].reason, /is past the 30-day retention \(TRADES_RETENTION_DAYS\)$/);
    assert.equal(handler.stats.deadLettered, 1);
  } finally {
    await db.drop();
  }
});
