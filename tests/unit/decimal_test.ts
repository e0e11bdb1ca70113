import assert from "node:assert/strict";
import { divideRounded, formatUnits, isPositiveDecimal, toUnits } from "../../domain/decimal.ts";

Deno.test("decimal strings become exact units without a float", () => {
  assert.equal(toUnits("0.1", 8), 10_000_000n);
  assert.equal(toUnits("67012.34000000", 8), 6_701_234_000_000n);
  assert.equal(toUnits("99999999999.99999999", 8), 9_999_999_999_999_999_999n);
  assert.equal(toUnits("5", 2), 500n);
});

Deno.test("digits beyond the scale, signs, exponents and junk are refused", () => {
  for (const bad of ["0.000000001", "-1", "+1", "1e5", " 1", "1.", ".5", "", "NaN", "0x10"]) {
    assert.equal(toUnits(bad, 8), undefined, bad);
  }
  assert.equal(toUnits("1.100000000000", 8), 110_000_000n, "trailing zeros are not digits");
});

Deno.test("units format back with exactly the scale's decimals", () => {
  assert.equal(formatUnits(5n, 8), "0.00000005");
  assert.equal(formatUnits(123_456n, 2), "1234.56");
  assert.equal(formatUnits(7n, 0), "7");
  assert.equal(formatUnits(-5n, 2), "-0.05");
});

Deno.test("division rounds half away from zero like PostgreSQL numeric", () => {
  assert.equal(divideRounded(15n, 10n), 2n);
  assert.equal(divideRounded(14n, 10n), 1n);
  assert.equal(divideRounded(25n, 10n), 3n, "not banker's rounding");
  assert.equal(divideRounded(2n, 3n), 1n);
  assert.equal(divideRounded(1n, 3n), 0n);
});

Deno.test("only positive decimals with at most 8 decimals pass as thresholds", () => {
  assert.ok(isPositiveDecimal("100000"));
  assert.ok(isPositiveDecimal("0.5"));
  assert.ok(!isPositiveDecimal("0"));
  assert.ok(!isPositiveDecimal("-5"));
  assert.ok(!isPositiveDecimal("abc"));
});
