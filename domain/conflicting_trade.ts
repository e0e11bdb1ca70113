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

/** The fields in which the copy differs from the kept one (amounts compared exactly). */
function differingFields({ trade, kept }: ConflictingTrade) {
  return (["price", "quantity", "tradeTime", "isBuyerMaker"] as const).filter((field) =>
    field === "price" || field === "quantity"
      ? toAmountUnits(trade[field]) !== toAmountUnits(kept[field])
      : trade[field] !== kept[field]
  );
}

/** Whether the copy and the kept one are the same trade (amounts compared exactly). */
export function sameTrade(conflict: ConflictingTrade): boolean {
  return differingFields(conflict).length === 0;
}

/** Why the copy is refused, naming what differs. */
export function conflictReason(conflict: ConflictingTrade): string {
  const { trade, kept } = conflict;
  const differs = differingFields(conflict).map((field) =>
    `${field} ${JSON.stringify(trade[field])} (kept: ${JSON.stringify(kept[field])})`
  );
  return `trade ${trade.tradeId} of ${trade.symbol} came again with other values: ${
    differs.join(", ")
  }`;
}
