/**
 * Every configured symbol at a glance, one button each: last price, change over 24 hours, the
 * 24-hour high and low, and a sparkline of the day; the pressed one is the symbol shown. The
 * figures are text, so a screen reader hears what the sparkline draws.
 */
import type { MarketTicker, SymbolSummary } from "../domain/dashboard_views.ts";
import { formatDecimal } from "../ui/format.ts";

/** Props of {@link MarketStrip}. */
export interface MarketStripProps {
  symbols: readonly string[];
  /** The last 24 hours of the symbols that traded in them. */
  tickers: Record<string, MarketTicker>;
  /** Every symbol's figures, for the last price of one without a ticker. */
  summaries: Record<string, SymbolSummary>;
  chosen: string;
  onChoose: (symbol: string) => void;
  /** Decimals to show a symbol's prices with, given prices at hand. */
  priceDecimals: (symbol: string, prices: string[]) => number;
}

/** The strip: a row of symbol buttons that scrolls inside itself when the screen is narrow. */
export default function MarketStrip(props: MarketStripProps) {
  return (
    <nav class="markets" aria-label="Symbols">
      {props.symbols.map((symbol) => {
        const ticker = props.tickers[symbol];
        const last = ticker?.lastPrice ?? props.summaries[symbol]?.lastPrice;
        const decimals = props.priceDecimals(
          symbol,
          ticker ? [ticker.lastPrice, ticker.high, ticker.low] : last ? [last] : [],
        );
        const price = (amount: string) => formatDecimal(amount, decimals);
        const trend = !ticker || ticker.changePercent === "0.00"
          ? "flat"
          : ticker.changePercent.startsWith("-")
          ? "down"
          : "up";
        return (
          <button
            key={symbol}
            type="button"
            class="market"
            data-symbol={symbol}
            aria-pressed={symbol === props.chosen}
            onClick={() => props.onChoose(symbol)}
          >
            <span class="market-symbol">{symbol}</span>
            <span class="market-price">{last ? price(last) : "no trades"}</span>
            {ticker
              ? (
                <>
                  <span class={`market-change ${trend}`}>{ticker.changePercent} %</span>
                  <span class="market-range">
                    24h high {price(ticker.high)} low {price(ticker.low)}
                  </span>
                  <Sparkline values={ticker.sparkline} trend={trend} />
                </>
              )
              : <span class="market-range">no trade in 24h</span>}
          </button>
        );
      })}
    </nav>
  );
}

/** Width and height of the sparkline's drawing, in its own units. */
const SPARK = { width: 96, height: 24 };

/** A line through `values`, scaled to fill the box; drawing only, hidden from screen readers. */
function Sparkline({ values, trend }: { values: number[]; trend: string }) {
  if (values.length < 2) return null;
  const low = Math.min(...values);
  const span = Math.max(...values) - low || 1;
  const points = values.map((value, i) =>
    `${(i / (values.length - 1) * SPARK.width).toFixed(1)},${
      (SPARK.height - (value - low) / span * SPARK.height).toFixed(1)
    }`
  ).join(" ");
  return (
    <svg
      class={`sparkline ${trend}`}
      viewBox={`0 -1 ${SPARK.width} ${SPARK.height + 2}`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <polyline points={points} />
    </svg>
  );
}
