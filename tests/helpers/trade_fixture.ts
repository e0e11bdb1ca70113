/** Trade events for tests: consecutive times derived from the id, so rows are easy to predict. */
import type { TradeEvent } from "../../domain/trade_event.ts";

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
