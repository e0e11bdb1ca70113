/**
 * The batch handler's lanes on a real PostgreSQL: a batch's symbols are stored in transactions
 * of whole symbols at once, and a refusal or an outage in one lane leaves the other's work kept.
 */
import assert from "node:assert/strict";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import { encodeTradeEvent } from "../../domain/trade_event.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages } from "../helpers/batch_input.ts";
import { handlerOn, outageOnce, storedRows } from "../helpers/batch_handler_fixture.ts";

/** A batch of two symbols: three BTCUSDT trades (the second at 5000) and two ETHUSDT ones. */
function twoSymbolBatch() {
  return [
    tradeEvent(1, "10"),
    tradeEvent(11, "7", "1", "ETHUSDT"),
    tradeEvent(2, "5000"),
    tradeEvent(12, "9", "1", "ETHUSDT"),
    tradeEvent(3, "30"),
  ];
}

/** What {@link twoSymbolBatch} leaves stored when the database refuses BTCUSDT's 5000. */
const STORED_BUT_REFUSED = [
  ["BTCUSDT", 1, "10.00000000"],
  ["BTCUSDT", 3, "20.00000000"],
  ["ETHUSDT", 11, "7.00000000"],
  ["ETHUSDT", 12, "8.00000000"],
];

Deno.test("a symbol the database refuses goes trade by trade; the other symbol's lane is kept", async () => {
  const db = await createTestDatabase();
  try {
    await db.sql`alter table trades add constraint price_below_1000 check (price < 1000)`;
    const letters: DeadLetter[] = [];
    const handler = handlerOn(db.sql, letters);
    await handler.accept(kafkaMessages(twoSymbolBatch().map(encodeTradeEvent)), BATCH_CONTEXT)();
    assert.deepEqual(await storedRows(db), STORED_BUT_REFUSED);
    assert.deepEqual(letters.map((l) => l.source?.offset), ["2"]);
    // The ETHUSDT lane's result counts although the BTCUSDT lane failed beside it.
    assert.deepEqual(
      [handler.stats.stored, handler.stats.duplicates, handler.stats.deadLettered],
      [4, 0, 1],
    );
  } finally {
    await db.drop();
  }
});

Deno.test("after one lane's outage only that lane's symbols are stored again", async () => {
  const db = await createTestDatabase();
  try {
    // ETHUSDT's first insert fails as an outage would; BTCUSDT's inserts are counted, since a
    // BEFORE trigger runs even for a row ON CONFLICT then skips.
    await db.sql`create sequence btc_inserts`;
    await outageOnce(
      db.sql,
      "new.symbol = 'ETHUSDT'",
      "if new.symbol = 'BTCUSDT' then perform nextval('btc_inserts'); end if;",
    );
    const handler = handlerOn(db.sql);
    await handler.accept(kafkaMessages(twoSymbolBatch().map(encodeTradeEvent)), BATCH_CONTEXT)();
    assert.deepEqual(await storedRows(db), [
      ["BTCUSDT", 1, "10.00000000"],
      ["BTCUSDT", 2, "2505.00000000"],
      ["BTCUSDT", 3, "2515.00000000"],
      ["ETHUSDT", 11, "7.00000000"],
      ["ETHUSDT", 12, "8.00000000"],
    ]);
    const [{ last_value }] = await db.sql`select last_value::int from btc_inserts`;
    assert.equal(last_value, 3, "BTCUSDT's trades were inserted once, not again on the retry");
    assert.deepEqual(
      [handler.stats.stored, handler.stats.duplicates, handler.stats.databaseErrors],
      [5, 0, 1],
    );
  } finally {
    await db.drop();
  }
});

Deno.test("when one lane is refused and the other cut by an outage, the outage is retried first", async () => {
  const db = await createTestDatabase();
  try {
    // BTCUSDT (the larger lane, so the first) holds a refused price; ETHUSDT's first insert
    // fails as an outage would. Going trade by trade on a connection an outage may have broken
    // would wait for it; the batch is retried on a renewed pool instead.
    await db.sql`alter table trades add constraint price_below_1000 check (price < 1000)`;
    await outageOnce(db.sql, "new.symbol = 'ETHUSDT'");
    const letters: DeadLetter[] = [];
    let renewed = 0;
    const handler = handlerOn(db.sql, letters, () => void renewed++);
    await handler.accept(kafkaMessages(twoSymbolBatch().map(encodeTradeEvent)), BATCH_CONTEXT)();
    assert.deepEqual(await storedRows(db), STORED_BUT_REFUSED);
    assert.deepEqual(letters.map((l) => l.source?.offset), ["2"]);
    assert.equal(renewed, 1, "the outage was retried on a renewed pool");
    assert.deepEqual(
      [handler.stats.stored, handler.stats.duplicates, handler.stats.databaseErrors],
      [4, 0, 1],
    );
  } finally {
    await db.drop();
  }
});
