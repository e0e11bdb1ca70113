import assert from "node:assert/strict";
import { planBatch, symbolLanes } from "../../domain/batch_plan.ts";
import { MovingWindow } from "../../domain/moving_window.ts";
import { conflictReason } from "../../domain/conflicting_trade.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";
import { tradeEvent } from "../helpers/trade_fixture.ts";

function trade(symbol: string, tradeId: number, price: string, quantity = "1"): TradeEvent {
  return tradeEvent(tradeId, price, quantity, symbol);
}

Deno.test("a batch is planned per symbol in trade-id order", () => {
  const windows = new Map<string, MovingWindow>();
  const plan = planBatch(
    [
      trade("ETHUSDT", 2, "30"),
      trade("BTCUSDT", 11, "20"),
      trade("ETHUSDT", 1, "10"),
      trade("BTCUSDT", 10, "10"),
    ],
    windows,
    2,
    "100000",
  );
  assert.deepEqual(
    plan.rows.map((r) => [r.symbol, r.tradeId, r.movingAverage]),
    [
      ["BTCUSDT", 10, "10.00000000"],
      ["BTCUSDT", 11, "15.00000000"],
      ["ETHUSDT", 1, "10.00000000"],
      [
        "ETHUSDT",
        2,
        "20.00000000",
      ],
    ],
  );
  assert.equal(plan.windowEnds.size, 0);
  assert.equal(windows.get("BTCUSDT")?.lastTradeId, 11);
});

Deno.test("a duplicate inside a batch is planned once and moves nothing", () => {
  const windows = new Map<string, MovingWindow>();
  const plan = planBatch(
    [trade("BTCUSDT", 1, "10"), trade("BTCUSDT", 1, "10"), trade("BTCUSDT", 2, "20")],
    windows,
    5,
    "1",
  );
  assert.deepEqual(plan.rows.map((r) => r.movingAverage), ["10.00000000", "15.00000000"]);
});

Deno.test("a trade behind the window is flagged with where the window stood", () => {
  const window = new MovingWindow(3);
  window.push(5, "10");
  const windows = new Map([["BTCUSDT", window]]);
  const plan = planBatch([trade("BTCUSDT", 4, "99"), trade("BTCUSDT", 6, "20")], windows, 3, "1");
  assert.deepEqual([...plan.windowEnds], [["BTCUSDT", 5]]);
  assert.equal(
    plan.rows[1].movingAverage,
    "15.00000000",
    "the late trade did not enter the window",
  );
});

Deno.test("whale flags and values are planned with the trade", () => {
  const plan = planBatch(
    [trade("BTCUSDT", 1, "50000", "2"), trade("BTCUSDT", 2, "50000", "1.9999")],
    new Map(),
    5,
    "100000",
  );
  assert.deepEqual(plan.rows.map((r) => [r.tradeValue, r.isWhale]), [["100000.00", true], [
    "99995.00",
    false,
  ]]);
});

Deno.test("lanes hold whole symbols, balanced by rows, each symbol's rows in order", () => {
  const counts: [string, number][] = [["A", 5], ["B", 1], ["C", 3], ["D", 3]];
  const events = counts.flatMap(([symbol, count]) =>
    Array.from({ length: count }, (_, i) => trade(symbol, i + 1, "1"))
  );
  const { rows } = planBatch(events, new Map(), 2, "100000");
  const lanes = symbolLanes(rows, 2);
  assert.deepEqual(
    lanes.map((lane) => lane.map((r) => `${r.symbol}${r.tradeId}`).join(" ")),
    ["A1 A2 A3 A4 A5 B1", "C1 C2 C3 D1 D2 D3"],
  );
  assert.deepEqual(symbolLanes(rows, 8).map((lane) => lane.length), [5, 3, 3, 1]);
  assert.deepEqual(symbolLanes(rows, 1).map((lane) => lane.length), [12]);
  assert.deepEqual(symbolLanes([], 2), []);
});

Deno.test("a later copy of a trade id in a batch with other values is a conflict; the same is not", () => {
  const first = tradeEvent(7, "10");
  const plan = planBatch(
    [first, tradeEvent(7, "10.00"), { ...tradeEvent(7, "12"), isBuyerMaker: !first.isBuyerMaker }],
    new Map(),
    5,
    "100000",
  );
  assert.deepEqual(plan.rows.map((r) => [r.tradeId, r.price]), [[7, "10"]]);
  assert.equal(plan.conflicts.length, 1);
  assert.equal(
    conflictReason(plan.conflicts[0]),
    `trade 7 of BTCUSDT came again with other values: price "12" (kept: "10"), isBuyerMaker ${!first
      .isBuyerMaker} (kept: ${first.isBuyerMaker})`,
  );
});
