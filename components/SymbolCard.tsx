/** One symbol's current state: last price, moving average, trades, volume, whales. */
import type { SymbolSummary } from "../web/dashboard_queries.ts";

/** Props of {@link SymbolCard}. */
export interface SymbolCardProps {
  summary: SymbolSummary;
}

/** A card with the figures of one symbol, exactly as stored (decimal strings, no floats). */
export default function SymbolCard({ summary }: SymbolCardProps) {
  return (
    <section class="card" data-symbol={summary.symbol}>
      <h2>{summary.symbol}</h2>
      <p class="price">{summary.lastPrice}</p>
      <dl>
        <dt>Moving average</dt>
        <dd>{summary.movingAverage}</dd>
        <dt>Trades</dt>
        <dd>{summary.tradeCount}</dd>
        <dt>Volume</dt>
        <dd>{summary.totalVolume}</dd>
        <dt>Whale trades</dt>
        <dd>{summary.whaleCount}</dd>
        <dt>Last trade</dt>
        <dd>
          <time datetime={summary.lastTradeTime}>{summary.lastTradeTime}</time>
        </dd>
      </dl>
    </section>
  );
}
