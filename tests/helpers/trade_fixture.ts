/**
 * Trade events for tests: consecutive times derived from the id, so rows are easy to predict;
 * and a whale trade as the live stream shows it.
 */
import type { TradeEvent } from "../../domain/trade_event.ts";
import type { TradeView } from "../../domain/dashboard_views.ts";

/** A valid trade event of `symbol` with trade id `tradeId`; its times are derived from the id. */
export function tradeEvent(
  tradeId: number,
  price: string,
  quantity = "1",
  symbol = "BTCUSDT",
): TradeEvent {
  const time = 1_732_000_000_000 + tradeId;
  return {
    v: 1,
    symbol,
    tradeId,
    price,
    quantity,
    tradeTime: time,
    eventTime: time,
    isBuyerMaker: tradeId % 2 === 0,
    receivedAt: time,
  };
}

/** A BTCUSDT whale trade as a `whale` event carries it, with trade id `tradeId`. */
export function whaleView(tradeId: string): TradeView {
  return {
    symbol: "BTCUSDT",
    tradeId,
    price: "60000",
    quantity: "2",
    tradeValue: "120000.00",
    tradeTime: "2026-01-01T00:00:00.000Z",
    isBuyerMaker: false,
    movingAverage: "60000",
    isWhale: true,
  };
}
