/**
 * A trade id that came again with other values than the copy kept: Binance never sends one, so
 * it is refused (dead-lettered), never stored beside or over the first.
 */
import { toAmountUnits } from "./decimal.ts";
import type { TradeEvent } from "./trade_event.ts";

/** The fields that make a trade, as the copy kept has them. */
export type TradeValues = Pick<TradeEvent, "price" | "quantity" | "tradeTime" | "isBuyerMaker">;

/** A copy of a trade whose values differ from the copy kept (stored, or first in its batch). */
export interface ConflictingTrade {
  trade: Pick<TradeEvent, "symbol" | "tradeId"> & TradeValues;
  kept: TradeValues;
}

/** Whether the copy and the kept one are the same trade (amounts compared exactly). */
export function sameTrade({ trade, kept }: ConflictingTrade): boolean {
  return toAmountUnits(trade.price) === toAmountUnits(kept.price) &&
    toAmountUnits(trade.quantity) === toAmountUnits(kept.quantity) &&
    trade.tradeTime === kept.tradeTime && trade.isBuyerMaker === kept.isBuyerMaker;
}

/** Why the copy is refused, naming what differs. */
export function conflictReason({ trade, kept }: ConflictingTrade): string {
  const differs = (["price", "quantity", "tradeTime", "isBuyerMaker"] as const)
    .filter((field) =>
      field === "price" || field === "quantity"
        ? toAmountUnits(trade[field]) !== toAmountUnits(kept[field])
        : trade[field] !== kept[field]
    )
    .map((field) =>
      `${field} ${JSON.stringify(trade[field])} (kept: ${JSON.stringify(kept[field])})`
    );
  return `trade ${trade.tradeId} of ${trade.symbol} came again with other values: ${
    differs.join(", ")
  }`;
}
