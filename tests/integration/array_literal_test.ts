import assert from "node:assert/strict";
import { arrayLiteral } from "../../runtime/database.ts";
import { createTestDatabase } from "../helpers/test_database.ts";

Deno.test("plain values go unquoted, and PostgreSQL reads them back exactly", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const decimals = ["97000.12000000", "0.00000001", "12345678901.99999999"];
    assert.equal(arrayLiteral(decimals), "{97000.12000000,0.00000001,12345678901.99999999}");
    const [row] = await db.sql`
      select ${arrayLiteral(decimals)}::numeric[]::text[] as decimals,
        ${arrayLiteral([3_000_000_000, 9_007_199_254_740_991n])}::bigint[]::text[] as ids,
        ${arrayLiteral([true, false])}::boolean[] as flags,
        ${arrayLiteral(["BTCUSDT", "1INCHUSDT"])}::varchar[] as symbols,
        ${arrayLiteral([])}::bigint[] as empty
    `;
    assert.deepEqual(row.decimals, decimals);
    assert.deepEqual(row.ids, ["3000000000", "9007199254740991"]);
    assert.deepEqual(row.flags, [true, false]);
    assert.deepEqual(row.symbols, ["BTCUSDT", "1INCHUSDT"]);
    assert.deepEqual(row.empty, []);
  } finally {
    await db.drop();
  }
});

Deno.test("a string that would change the literal's meaning is quoted, never read as NULL", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const strings = ["NULL", "null", "", "a,b", 'say "hi"', "back\\slash", "{x}", " padded "];
    const [row] = await db.sql`select ${arrayLiteral(strings)}::text[] as strings`;
    assert.deepEqual(row.strings, strings);
  } finally {
    await db.drop();
  }
});
