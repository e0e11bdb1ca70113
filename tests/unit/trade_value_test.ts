import assert from "node:assert/strict";
import { valueTrade } from "../../domain/trade_value.ts";

Deno.test("a trade worth exactly the threshold is a whale", () => {
  assert.deepEqual(valueTrade("50000", "2", "100000"), { value: "100000.00", isWhale: true });
});

Deno.test("a trade one hundred-millionth short of the threshold is not a whale", () => {
  const { isWhale, value } = valueTrade("99999.99999999", "1", "100000");
  assert.equal(isWhale, false);
  assert.equal(value, "100000.00", "the rounded value may reach the threshold; the flag may not");
});

Deno.test("trade value is price times quantity rounded half away from zero to the cent", () => {
  assert.equal(valueTrade("0.005", "1", "1").value, "0.01");
  assert.equal(valueTrade("0.00499999", "1", "1").value, "0.00");
  assert.equal(valueTrade("67012.34", "0.00150000", "100000").value, "100.52");
  assert.equal(valueTrade("12345678.12345678", "12345.12345678", "1").value, "152408920591.74");
});

Deno.test("thresholds with decimals compare exactly", () => {
  assert.equal(valueTrade("1.5", "1", "1.49999999").isWhale, true);
  assert.equal(valueTrade("1.5", "1", "1.50000001").isWhale, false);
});

Deno.test("amounts that are not 8-decimal numbers are refused", () => {
  assert.throws(() => valueTrade("1.000000001", "1", "1"), RangeError);
  assert.throws(() => valueTrade("1", "abc", "1"), RangeError);
});
