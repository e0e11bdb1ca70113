/** The newest whale trades, newest first, formatted for people. */
import type { TradeView } from "../domain/dashboard_views.ts";
import { useJustArrived } from "../ui/use_just_arrived.ts";
import {
  baseAsset,
  formatDecimal,
  formatQuantity,
  formatQuoteValue,
  formatTime,
} from "../ui/format.ts";

/** Props of {@link WhaleList}. */
export interface WhaleListProps {
  /** Newest first; those that arrive after the first render are highlighted a few seconds. */
  whales: TradeView[];
  /** Decimals to show a symbol's prices with, given the price at hand. */
  priceDecimals: (symbol: string, price: string) => number;
}

/** One line per whale: time (UTC), side, quantity in the base asset, price, value in the quote. */
export default function WhaleList({ whales, priceDecimals }: WhaleListProps) {
  const justArrived = useJustArrived(whales.map(whaleKey));
  return (
    <ul class="whales">
      {whales.map((whale) => {
        const key = whaleKey(whale);
        const base = baseAsset(whale.symbol);
        return (
          <li key={key} class={justArrived.has(key) ? "fresh" : ""} data-trade-id={whale.tradeId}>
            <time datetime={whale.tradeTime}>{formatTime(whale.tradeTime)}</time>{" "}
            <b>{whale.symbol}</b> {whale.isBuyerMaker ? "sell" : "buy"}{" "}
            {formatQuantity(whale.quantity)}
            {base && ` ${base}`} @{" "}
            {formatDecimal(whale.price, priceDecimals(whale.symbol, whale.price))}
            {" = "}
            {formatQuoteValue(whale.tradeValue, whale.symbol)}
          </li>
        );
      })}
    </ul>
  );
}

/** A trade's key among the whales: symbols have trade ids of their own. */
function whaleKey(whale: TradeView): string {
  return `${whale.symbol}:${whale.tradeId}`;
}
