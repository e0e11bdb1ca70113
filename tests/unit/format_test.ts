import assert from "node:assert/strict";
import {
  baseAsset,
  formatCount,
  formatDecimal,
  formatQuantity,
  formatQuoteValue,
  formatTime,
  pricePrecision,
  quoteAsset,
} from "../../ui/format.ts";

Deno.test("amounts are rounded as decimals, half away from zero, and grouped by thousands", () => {
  assert.equal(formatDecimal("67062.78000000", 2), "67,062.78");
  assert.equal(formatDecimal("30050.62500000", 2), "30,050.63");
  assert.equal(formatDecimal("999999.995", 2), "1,000,000.00");
  assert.equal(formatDecimal("0.00001234", 5), "0.00001");
  assert.equal(formatDecimal("1234567", 0), "1,234,567");
  assert.equal(formatDecimal("not a number", 2), "not a number");
});

Deno.test("a symbol's prices show at the most decimals they need, at least 2", () => {
  assert.equal(pricePrecision(["67062.70000000"]), 2);
  assert.equal(pricePrecision(["0.15000000", "0.15123000"]), 5);
  assert.equal(pricePrecision([]), 2);
});

Deno.test("quantities keep their digits; values carry the quote asset; times are UTC", () => {
  assert.equal(formatQuantity("0.00150000"), "0.0015");
  assert.equal(formatQuantity("1234.50000000"), "1,234.5");
  assert.equal(formatQuoteValue("1760981.75", "BTCUSDT"), "1,760,981.75 USDT");
  assert.equal(formatQuoteValue("12.5", "ABCXYZ"), "12.50");
  assert.deepEqual([baseAsset("ETHFDUSD"), quoteAsset("ETHFDUSD")], ["ETH", "FDUSD"]);
  assert.equal(formatCount("98230"), "98,230");
  assert.equal(formatTime("2026-12-01T14:03:27.120+00:00"), "14:03:27");
});
