/**
 * The crosshair's readout, as text above the chart: the candle pointed at (or the newest), its
 * time in UTC, open, high, low, close, volume bought and sold by takers, VWAP and each indicator
 * line's value, so a screen reader hears what the chart draws.
 */
import { Fragment } from "preact";
import type { Candle } from "../domain/dashboard_views.ts";
import { baseAsset, formatDateTime, formatDecimal, formatQuantity } from "../ui/format.ts";
import { type IndicatorLinePlot, lineLabel, valuesAt } from "../ui/indicator_plot.ts";

/** Props of {@link CandleReadout}. */
export interface CandleReadoutProps {
  symbol: string;
  candle?: Candle;
  /** The candle is the one pointed at, not the newest. */
  pointed: boolean;
  /** Decimals of the symbol's prices (see `pricePrecision`). */
  priceDecimals: number;
  /** The indicator lines drawn, on candles of `bucketMs`. */
  lines: IndicatorLinePlot[];
  bucketMs: number;
}

/** One line of figures, or a note while there is no candle. */
export default function CandleReadout(
  { symbol, candle, pointed, priceDecimals, lines, bucketMs }: CandleReadoutProps,
) {
  if (!candle) return <p class="readout note">No candles in this view.</p>;
  const price = (amount: string) => formatDecimal(amount, priceDecimals);
  const base = baseAsset(symbol);
  const volume = (amount: string) => `${formatQuantity(amount)}${base && ` ${base}`}`;
  const figures: [string, string][] = [
    ["O", price(candle.open)],
    ["H", price(candle.high)],
    ["L", price(candle.low)],
    ["C", price(candle.close)],
    ["Bought", volume(candle.buyVolume)],
    ["Sold", volume(candle.sellVolume)],
    ["VWAP", price(candle.vwap)],
    // RSI is a percentage; the others are in the price's units.
    ...valuesAt(lines, candle.time, bucketMs).map(({ plot, value }): [string, string] => [
      lineLabel(plot),
      value.toLocaleString("en-US", {
        minimumFractionDigits: 2,
        maximumFractionDigits: plot.pane === "rsi" ? 2 : Math.max(2, priceDecimals),
      }),
    ]),
  ];
  return (
    <p class="readout" data-time={candle.time} data-pointed={pointed}>
      <time datetime={candle.time}>{formatDateTime(candle.time)}</time>
      {/* Each figure stays on one line; the line breaks between them, at the spaces outside. */}
      {figures.map(([name, value]) => (
        <Fragment key={name}>
          {" "}
          <span>
            {ABBREVIATIONS[name]
              ? <abbr title={ABBREVIATIONS[name]}>{name}</abbr>
              : <span class="name">{name}</span>} {value}
          </span>
        </Fragment>
      ))}
    </p>
  );
}

/** What the short names stand for. */
const ABBREVIATIONS: Record<string, string | undefined> = {
  O: "open",
  H: "high",
  L: "low",
  C: "close",
  VWAP: "volume-weighted average price",
};
