import assert from "node:assert/strict";
import { evaluateRules } from "../../domain/alert_rules.ts";
import { decodeStatusEvent, encodeStatusEvent } from "../../domain/status_event.ts";

const limits = {
  kafkaLag: 1_000,
  processingSeconds: 1,
  storageRatio: 0.8,
  storageLimitBytes: 1_000,
  producerDisconnectedSeconds: 300,
  symbolSilentSeconds: 60,
};

Deno.test("each rule fires past its threshold, for its subject", () => {
  const now = 1_000_000;
  const results = evaluateRules({
    now,
    lag: new Map([[0, 600], [1, 500]]),
    processingSeconds: 0.4,
    databaseBytes: 850,
    producerDisconnectedSince: now - 301_000,
    lastTradeAt: new Map([["BTCUSDT", now - 10_000], ["ETHUSDT", now - 61_000], [
      "SOLUSDT",
      undefined,
    ]]),
  }, limits);
  assert.deepEqual(results.map((r) => [r.rule, r.subject, r.value, r.firing]), [
    ["kafka_lag", "", 1_100, true],
    ["processing_time", "", 0.4, false],
    ["database_storage", "", 0.85, true],
    ["producer_disconnected", "", 301, true],
    ["symbol_silent", "BTCUSDT", 10, false],
    ["symbol_silent", "ETHUSDT", 61, true],
  ]);
});

Deno.test("what cannot be read is not judged; a connected producer is 0 s disconnected", () => {
  const results = evaluateRules(
    { now: 5, databaseBytes: 10, lastTradeAt: new Map() },
    { ...limits, storageLimitBytes: undefined },
  );
  assert.deepEqual(results, [{
    rule: "producer_disconnected",
    subject: "",
    value: 0,
    threshold: 300,
    firing: false,
  }]);
});

Deno.test("status events round-trip; malformed ones are refused", () => {
  const gap = {
    v: 1 as const,
    type: "gap" as const,
    symbol: "BTCUSDT",
    firstMissingId: 5,
    lastMissingId: 9,
    foundAt: 1,
    reason: "gone",
  };
  assert.deepEqual(decodeStatusEvent(encodeStatusEvent(gap)), gap);
  assert.equal(decodeStatusEvent(JSON.stringify({ ...gap, lastMissingId: 4 })), undefined);
  assert.equal(decodeStatusEvent(JSON.stringify({ ...gap, v: 2 })), undefined);
  assert.equal(decodeStatusEvent("not json"), undefined);
  assert.equal(decodeStatusEvent(JSON.stringify({ v: 1, type: "heartbeat" })), undefined);
});
