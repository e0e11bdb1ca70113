import assert from "node:assert/strict";
import { daysAhead, retentionCutoff } from "../../domain/retention.ts";

Deno.test("the retention cutoff is the start of a UTC day, whole days before today", () => {
  const now = Date.parse("2026-12-02T23:59:59.999Z");
  assert.equal(new Date(retentionCutoff(now, 30)).toISOString(), "2026-11-02T00:00:00.000Z");
  const midnight = Date.parse("2026-12-02T00:00:00.000Z");
  assert.equal(new Date(retentionCutoff(midnight, 1)).toISOString(), "2026-12-01T00:00:00.000Z");
});

Deno.test("days ahead run from today's UTC date", () => {
  assert.deepEqual(daysAhead(Date.parse("2026-12-31T22:00:00Z"), 2), [
    "2026-12-31",
    "2027-01-01",
    "2027-01-02",
  ]);
});
