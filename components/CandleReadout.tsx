/**
 * The crosshair's readout, as text above the chart: the candle pointed at (or the newest), its
 * time in UTC, open, high, low, close, volume bought and sold by takers and VWAP, so a screen
 * reader hears what the chart draws.
 */
import type { Candle } from "../domain/dashboard_views.ts";
import { baseAsset, formatDateTime, formatDecimal, formatQuantity } from "../ui/format.ts";

/** Props of {@link CandleReadout}. */
export interface CandleReadoutProps {
  symbol: string;
  candle?: Candle;
  /** The candle is the one pointed at, not the newest. */
  pointed: boolean;
  /** Decimals of the symbol's prices (see `pricePrecision`). */
  priceDecimals: number;
}

/** One line of figures, or a note while there is no candle. */
export default function CandleReadout(
  { symbol, candle, pointed, priceDecimals }: CandleReadoutProps,
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
  ];
  return (
    <p class="readout" data-time={candle.time} data-pointed={pointed}>
      <time datetime={candle.time}>{formatDateTime(candle.time)}</time>
      {figures.map(([name, value]) => (
        <span key={name}>
          {" "}
          <abbr title={ABBREVIATIONS[name]}>{name}</abbr> {value}
        </span>
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
