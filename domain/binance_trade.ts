/**
 * A Binance trade as the pipeline's `TradeEvent`, whichever API delivered it: the one mapping
 * of Binance's field names, checked as every trade is.
 */
import { checkedTradeEvent, type TradeEventResult } from "./trade_event.ts";

/** A trade-stream message (`{"e":"trade","s":…,"t":…,"p":…,"q":…,"T":…,"E":…,"m":…}`). */
export function streamTradeEvent(
  message: Record<string, unknown>,
  receivedAt: number,
): TradeEventResult {
  return checkedTradeEvent({
    symbol: message.s,
    tradeId: message.t,
    price: message.p,
    quantity: message.q,
    tradeTime: message.T,
    // E is the event time; a frame without it still carries a usable trade.
    eventTime: message.E ?? message.T,
    isBuyerMaker: message.m,
  }, receivedAt);
}

/** An item of `GET /api/v3/historicalTrades` (`{id, price, qty, time, isBuyerMaker}`). */
export function restTradeEvent(
  symbol: string,
  item: Record<string, unknown>,
  receivedAt: number,
): TradeEventResult {
  return checkedTradeEvent({
    symbol,
    tradeId: item.id,
    price: item.price,
    quantity: item.qty,
    tradeTime: item.time,
    // The REST answer has no event time; the trade time is the closest truth.
    eventTime: item.time,
    isBuyerMaker: item.isBuyerMaker,
  }, receivedAt);
}
