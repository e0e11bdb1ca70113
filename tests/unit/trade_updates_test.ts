import assert from "node:assert/strict";
import { mergeTradeUpdates, type SymbolChange } from "../../domain/trade_updates.ts";

const change = (symbol: string, lastTradeId: number, whales: number[] = []): SymbolChange => ({
  symbol,
  inserted: 2,
  lastTradeId,
  whaleTradeIds: whales,
});

Deno.test("merged updates sum per symbol, keep the newest id and every whale in order", () => {
  assert.deepEqual(
    mergeTradeUpdates([
      { v: 1, symbols: [change("BTCUSDT", 10, [9]), change("ETHUSDT", 5)] },
      { v: 1, symbols: [change("BTCUSDT", 12, [11, 12])] },
    ]),
    {
      v: 1,
      symbols: [
        { symbol: "BTCUSDT", inserted: 4, lastTradeId: 12, whaleTradeIds: [9, 11, 12] },
        change("ETHUSDT", 5),
      ],
    },
  );
});

Deno.test("a merge is truncated by an unreadable or truncated update, or too many whales", () => {
  const first = { v: 1 as const, symbols: [change("BTCUSDT", 1)] };
  assert.equal(mergeTradeUpdates([first, undefined]).truncated, true);
  assert.equal(mergeTradeUpdates([first, { v: 1, truncated: true }]).truncated, true);
  const many = Array.from({ length: 201 }, (_, i) => ({
    v: 1 as const,
    symbols: [change("BTCUSDT", i, [i])],
  }));
  assert.equal(mergeTradeUpdates(many).truncated, true);
  assert.equal(mergeTradeUpdates(many.slice(0, 200)).truncated, undefined);
});
