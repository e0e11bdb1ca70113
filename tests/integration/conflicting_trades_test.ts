/**
 * A trade id that comes again: with the same values it is a duplicate, skipped; with another
 * time, price, quantity or side it is dead-lettered and the first copy kept, whether the copy
 * kept is stored or earlier in the same batch.
 */
import assert from "node:assert/strict";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";
import { BATCH_CONTEXT, kafkaMessages, testBatchHandler } from "../helpers/batch_input.ts";

Deno.test("a trade id again with other values is dead-lettered, never stored beside the first", async () => {
  await using db = await createTestDatabase();
  const letters: DeadLetter[] = [];
  const handler = testBatchHandler(db.sql, 2, {
    sendDeadLetters: (sent) => Promise.resolve(void letters.push(...sent)),
  });
  await handler.accept(
    kafkaMessages([tradeEvent(1, "10"), tradeEvent(2, "20"), tradeEvent(3, "30")]),
    BATCH_CONTEXT,
  )();
  const dayLater = {
    ...tradeEvent(2, "20"),
    tradeTime: tradeEvent(2, "20").tradeTime + 86_400_000,
  };
  await handler.accept(
    kafkaMessages([
      dayLater, // another time: the key holds the time, so this would be a second row
      tradeEvent(3, "30"), // the same trade again: a duplicate, skipped in silence
      tradeEvent(1, "11.0"), // another price
      tradeEvent(4, "40"),
      tradeEvent(4, "41"), // another price within the batch: the first copy is kept
      tradeEvent(1, "10.000"), // the same amount written otherwise: the same trade
    ]),
    BATCH_CONTEXT,
  )();
  const rows = await db.sql`
    select trade_id::int as id, price::text, moving_average::text as average,
      extract(epoch from trade_time) * 1000 as ms
    from trades order by 1
  `;
  assert.deepEqual(rows.map((r) => [r.id, r.price, r.average]), [
    [1, "10.00000000", "10.00000000"],
    [2, "20.00000000", "15.00000000"],
    [3, "30.00000000", "25.00000000"],
    [4, "40.00000000", "35.00000000"],
  ]);
  assert.equal(Number(rows[1].ms), tradeEvent(2, "20").tradeTime);
  const byOffset = letters.map((l) => [l.source?.offset, l.reason]).sort();
  assert.deepEqual(byOffset, [
    [
      "0",
      `trade 2 of BTCUSDT came again with other values: tradeTime ${dayLater.tradeTime} (kept: ${
        tradeEvent(2, "20").tradeTime
      })`,
    ],
    ["2", 'trade 1 of BTCUSDT came again with other values: price "11.0" (kept: "10.00000000")'],
    ["4", 'trade 4 of BTCUSDT came again with other values: price "41" (kept: "40")'],
  ]);
  const [{ count }] = await db.sql`select trade_count::int as count from trade_aggregates`;
  assert.equal(count, 4);
});
