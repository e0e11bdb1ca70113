/** The newest whale trades, newest first, formatted for people. */
import type { TradeView } from "../domain/dashboard_views.ts";
import {
  baseAsset,
  formatDecimal,
  formatQuantity,
  formatQuoteValue,
  formatTime,
} from "../ui/format.ts";

/** Props of {@link WhaleList}. */
export interface WhaleListProps {
  whales: TradeView[];
  /** `symbol:tradeId` of the trades to highlight as just arrived. */
  fresh: readonly string[];
  /** Decimals to show a symbol's prices with, given the price at hand. */
  priceDecimals: (symbol: string, price: string) => number;
}

/** One line per whale: time (UTC), side, quantity in the base asset, price, value in the quote. */
export default function WhaleList({ whales, fresh, priceDecimals }: WhaleListProps) {
  return (
    <ul class="whales">
      {whales.map((whale) => {
        const key = `${whale.symbol}:${whale.tradeId}`;
        const base = baseAsset(whale.symbol);
        return (
          <li key={key} class={fresh.includes(key) ? "fresh" : ""} data-trade-id={whale.tradeId}>
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
