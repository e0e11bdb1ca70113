import assert from "node:assert/strict";
import { MAX_FRAME_LENGTH, parseBinanceFrame } from "../../domain/binance_frame.ts";
import { decodeTradeEvent, encodeTradeEvent, type TradeEvent } from "../../domain/trade_event.ts";

const SYMBOLS = new Set(["BTCUSDT", "ETHUSDT"]);
const RECEIVED = 1_732_000_000_500;
const TRADE = {
  e: "trade",
  E: 1_732_000_000_123,
  s: "BTCUSDT",
  t: 4_100_000_001,
  p: "67012.34000000",
  q: "0.00150000",
  T: 1_732_000_000_120,
  m: true,
  M: true,
};

function parse(frame: unknown) {
  return parseBinanceFrame(
    typeof frame === "string" ? frame : JSON.stringify(frame),
    RECEIVED,
    SYMBOLS,
  );
}

function tradeOf(frame: unknown): TradeEvent {
  const result = parse(frame);
  assert.equal(result.kind, "trade", JSON.stringify(result));
  return (result as { event: TradeEvent }).event;
}

function reason(frame: unknown): string {
  const result = parse(frame);
  assert.equal(result.kind, "rejected", JSON.stringify(result));
  return (result as { reason: string }).reason;
}

Deno.test("a raw trade frame becomes an event with decimal strings untouched", () => {
  assert.deepEqual(parse(TRADE), {
    kind: "trade",
    event: {
      v: 1,
      symbol: "BTCUSDT",
      tradeId: 4_100_000_001,
      price: "67012.34000000",
      quantity: "0.00150000",
      tradeTime: 1_732_000_000_120,
      eventTime: 1_732_000_000_123,
      isBuyerMaker: true,
      receivedAt: RECEIVED,
    },
  });
});

Deno.test("a combined-stream frame is unwrapped", () => {
  assert.deepEqual(tradeOf({ stream: "btcusdt@trade", data: TRADE }), tradeOf(TRADE));
});

Deno.test("fields Binance dropped or added do not matter; E may be missing", () => {
  const { E: _E, M: _M, ...rest } = TRADE;
  assert.equal(tradeOf({ ...rest, b: 1, a: 2, X: "MARKET" }).eventTime, TRADE.T);
});

Deno.test("a SUBSCRIBE reply and serverShutdown are control messages", () => {
  assert.equal(parse({ result: null, id: 1 }).kind, "control");
  assert.equal(parse({ result: ["btcusdt@trade"], id: "list" }).kind, "control");
  assert.equal(parse({ e: "serverShutdown", E: 1 }).kind, "control");
});

Deno.test("an error reply or an object without an event type is rejected, not control", () => {
  assert.match(
    reason({ error: { code: 2, msg: "Invalid request" }, id: 7 }),
    /error reply to request 7: \{"code":2,"msg":"Invalid request"\}/,
  );
  assert.match(reason({ result: null, id: 1, extra: true }), /no event type/);
  assert.match(reason({ id: 1 }), /no event type/);
  assert.match(reason({ result: null }), /no event type/);
  assert.match(reason({}), /no event type/);
  assert.match(reason({ stream: "btcusdt@trade", data: { s: "BTCUSDT" } }), /no event type/);
});

Deno.test("bad frames are rejected with a reason that says what is wrong", () => {
  assert.match(reason("{not json"), /not JSON/);
  assert.match(reason("[1,2]"), /not a JSON object/);
  assert.match(reason({ stream: "x", data: 5 }), /data is not a JSON object/);
  assert.match(reason({ ...TRADE, e: "aggTrade" }), /event type "aggTrade"/);
  assert.match(reason({ ...TRADE, e: undefined }), /no event type/);
  assert.match(reason({ ...TRADE, e: null }), /event type null/);
  assert.match(reason({ ...TRADE, p: "-1.0" }), /price/);
  assert.match(reason({ ...TRADE, p: "0.00000000" }), /price is not positive/);
  assert.match(reason({ ...TRADE, p: 67012.34 }), /price is not a decimal string/);
  assert.match(reason({ ...TRADE, q: "abc" }), /quantity "abc"/);
  assert.match(reason({ ...TRADE, q: "1e3" }), /quantity/);
  assert.match(reason({ ...TRADE, q: "0.000000001" }), /≤ 8 decimals/);
  assert.match(reason({ ...TRADE, p: "1000000000000" }), /price exceeds numeric/);
  assert.match(reason({ ...TRADE, p: "999999999999", q: "9999999" }), /exceeds numeric\(20,2\)/);
  assert.match(reason({ ...TRADE, t: "12" }), /trade id/);
  assert.match(reason({ ...TRADE, t: -1 }), /trade id/);
  assert.match(reason({ ...TRADE, t: 1.5 }), /trade id/);
  assert.match(reason({ ...TRADE, T: 1_732_000_000 }), /trade time/);
  assert.match(reason({ ...TRADE, m: "true" }), /buyer-is-maker/);
  assert.match(reason({ ...TRADE, s: "btc-usdt" }), /symbol/);
  assert.match(reason({ ...TRADE, s: "SOLUSDT" }), /SOLUSDT was not subscribed/);
  assert.match(reason("x".repeat(MAX_FRAME_LENGTH + 1)), /65537 characters exceeds 65536/);
});

Deno.test("an event survives the Kafka round trip exactly", () => {
  const event = tradeOf(TRADE);
  assert.deepEqual(decodeTradeEvent(encodeTradeEvent(event)), { ok: true, event });
});

Deno.test("the consumer refuses messages it cannot trust, with a reason", () => {
  const good = JSON.parse(encodeTradeEvent(tradeOf(TRADE)));
  const fails = (value: string | null) => {
    const decoded = decodeTradeEvent(value);
    assert.equal(decoded.ok, false);
    return (decoded as { reason: string }).reason;
  };
  assert.match(fails(null), /no value/);
  assert.match(fails("garbage"), /not JSON/);
  assert.match(fails("null"), /not a JSON object/);
  assert.match(fails(JSON.stringify({ ...good, v: 2 })), /unknown event version 2/);
  assert.match(fails(JSON.stringify({ ...good, price: "1,5" })), /price/);
  assert.match(fails(JSON.stringify({ ...good, receivedAt: "now" })), /receivedAt/);
});
