/** One symbol's current state: last price, moving average, trades, volume, whales. */
import type { SymbolSummary } from "../domain/dashboard_views.ts";
import { baseAsset, formatCount, formatDateTime, formatDecimal } from "../ui/format.ts";

/** Props of {@link SymbolCard}. */
export interface SymbolCardProps {
  summary: SymbolSummary;
  /** Decimals of the symbol's prices (see `pricePrecision`). */
  priceDecimals: number;
}

/** A card with the figures of one symbol, formatted for people from the exact strings. */
export default function SymbolCard({ summary, priceDecimals }: SymbolCardProps) {
  const base = baseAsset(summary.symbol);
  return (
    <section class="card" data-symbol={summary.symbol}>
      <h2>{summary.symbol}</h2>
      <p class="price">{formatDecimal(summary.lastPrice, priceDecimals)}</p>
      <dl>
        <dt>Moving average</dt>
        <dd>{formatDecimal(summary.movingAverage, priceDecimals)}</dd>
        <dt>Trades</dt>
        <dd>{formatCount(summary.tradeCount)}</dd>
        <dt>Volume</dt>
        <dd>{formatDecimal(summary.totalVolume, 4)}{base && ` ${base}`}</dd>
        <dt>Whale trades</dt>
        <dd>{formatCount(summary.whaleCount)}</dd>
        <dt>Last trade</dt>
        <dd>
          <time datetime={summary.lastTradeTime}>{formatDateTime(summary.lastTradeTime)}</time>
        </dd>
      </dl>
    </section>
  );
}
