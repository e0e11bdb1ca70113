import assert from "node:assert/strict";
import { fillHistory, parseFillArgs } from "../../bench/history_fill.ts";
import { ConfigError } from "../../runtime/env_reader.ts";
import type { Sql } from "../../runtime/database.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";
import { storedTrades } from "../helpers/expected_trades.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";
import type { StoredTradeRow } from "../../pipeline/stored_trade_check.ts";

/** Every table the consumer writes, as comparable rows. */
async function storedState(sql: Sql) {
  return {
    trades: await storedTrades(sql),
    aggregates: await sql`
      select symbol, moving_average::text, trade_count::text, total_volume::text,
        last_trade_id::text, whale_count::text, last_price::text, last_trade_time
      from trade_aggregates order by symbol
    `,
    candles: await sql`
      select symbol, interval_seconds, bucket, open::text, high::text, low::text, close::text,
        open_trade_id::text, close_trade_id::text, moving_average::text, buy_volume::text,
        sell_volume::text, quote_volume::text, trades::text
      from candles order by 1, 2, 3
    `,
  };
}

Deno.test("a filled history is what the consumer stores for the same trades", async () => {
  const filled = await createTestDatabase();
  const consumed = await createTestDatabase();
  try {
    const endMs = Date.now();
    const stored = await fillHistory(filled.sql, {
      trades: 6_001,
      days: 3,
      symbols: ["BTCUSDT", "ETHUSDT"],
      windowSize: 7,
      whaleThreshold: "100000",
      endMs,
    });
    assert.equal(stored, 6_001);

    // The same trades, as Kafka events, through the consumer's batch handler.
    const rows = await filled.sql<StoredTradeRow[]>`
      select symbol, trade_id, price::text, quantity::text,
        (extract(epoch from trade_time) * 1000)::bigint::text as ms, is_buyer_maker as m
      from trades order by trade_id, symbol
    `;
    const events: TradeEvent[] = rows.map((r) => ({
      v: 1,
      symbol: r.symbol,
      tradeId: Number(r.trade_id),
      price: r.price,
      quantity: r.quantity,
      tradeTime: Number(r.ms),
      eventTime: Number(r.ms),
      isBuyerMaker: r.m,
      receivedAt: Number(r.ms),
    }));
    assert.equal(Number(rows.at(-1)!.trade_id), endMs - 1, "ids end below the current ms");
    assert.ok(Number(rows.at(-1)!.ms) <= endMs && Number(rows[0].ms) >= endMs - 3 * 86_400_000);
    const handler = testBatchHandler(consumed.sql, 7);
    for (let i = 0; i < events.length; i += 1_000) {
      await handler.accept(
        kafkaMessages(events.slice(i, i + 1_000)),
        BATCH_CONTEXT,
      )();
    }
    const expected = await storedState(consumed.sql);
    const actual = await storedState(filled.sql);
    assert.equal(actual.trades.length, 6_001);
    assert.deepEqual(actual.trades, expected.trades);
    assert.deepEqual(actual.aggregates, expected.aggregates);
    assert.deepEqual(actual.candles, expected.candles);
    const whales = Number(actual.aggregates[0].whale_count) +
      Number(actual.aggregates[1].whale_count);
    assert.ok(whales > 20 && whales < 120, `about 1 % whales: ${whales}`);

    await assert.rejects(
      fillHistory(filled.sql, {
        trades: 10,
        days: 1,
        symbols: ["ETHUSDT", "SOLUSDT"],
        windowSize: 7,
        whaleThreshold: "100000",
      }),
      /^Error: ETHUSDT already has stored trades: fill writes the history of symbols that have none$/,
    );
  } finally {
    await filled.drop();
    await consumed.drop();
  }
});

Deno.test("fill's flags are checked, naming the bad one", () => {
  assert.deepEqual(parseFillArgs(["--trades", "1000", "--symbols", "btcusdt"], {}), {
    trades: 1000,
    days: 7,
    symbols: ["BTCUSDT"],
  });
  for (
    const [args, flag] of [
      [[], "--trades"],
      [["--trades", "1e6"], "--trades"],
      [["--trades", "10", "--days", "0"], "--days"],
      [["--trades", "10", "--symbols", "BTC-USD"], "--symbols"],
    ] as const
  ) {
    assert.throws(
      () => parseFillArgs([...args], {}),
      (error) => error instanceof ConfigError && error.variable === flag,
    );
  }
  assert.throws(() => parseFillArgs(["--trade", "10"], {}), /Unknown option '--trade'/);
});
