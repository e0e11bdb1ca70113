/**
 * The chart from the keyboard, while its canvas has the focus: the arrow keys move the crosshair a
 * candle at a time, + and − zoom, Page Up and Page Down pan a quarter of the width, End returns to
 * live. Zoom and pan go through the zoom plugin's methods, then the view is reported as a
 * gesture's would be.
 */
import type { Chart } from "chart.js";
import type { TimeRange } from "../ui/candle_book.ts";
import { candleNearest, type CandlePlot } from "../ui/candle_plot.ts";

/** A chart with the zoom plugin's methods, which it adds to each chart in the browser. */
export type ZoomableChart = Chart & {
  zoom?: (amount: number) => void;
  pan?: (delta: { x: number }) => void;
};

/** What the keys change. */
export interface ChartKeyActions {
  /** Puts the crosshair on the candle whose middle is `x` (epoch ms). */
  moveCrosshair: (x: number) => void;
  /** Tells the range the view moved to, and how. */
  moved: (range: TimeRange, how: "zoom" | "pan") => void;
  backToLive: () => void;
}

/** The time axis' ends now. */
export function currentRange(chart: Chart): TimeRange {
  return { from: chart.scales.x.min, to: chart.scales.x.max };
}

/**
 * Handles `event` on `chart` showing `plot`, the crosshair at `pointer` (epoch ms; none: past the
 * newest candle); keys it does not know are left to the page.
 */
export function handleChartKey(
  event: KeyboardEvent,
  chart: ZoomableChart,
  plot: CandlePlot,
  pointer: number | undefined,
  actions: ChartKeyActions,
): void {
  const { candles } = plot;
  const index = pointer === undefined ? candles.length : candleNearest(plot, pointer)!;
  const width = chart.chartArea.right - chart.chartArea.left;
  const zoom = (amount: number) => () => {
    chart.zoom?.(amount);
    actions.moved(currentRange(chart), "zoom");
  };
  const pan = (x: number) => () => {
    chart.pan?.({ x });
    actions.moved(currentRange(chart), "pan");
  };
  const act: Record<string, () => void> = {
    ArrowLeft: () => candles[index - 1] && actions.moveCrosshair(candles[index - 1].x),
    ArrowRight: () => candles[index + 1] && actions.moveCrosshair(candles[index + 1].x),
    "+": zoom(1.25),
    "=": zoom(1.25),
    "-": zoom(0.8),
    PageUp: pan(width / 4),
    PageDown: pan(-width / 4),
    End: actions.backToLive,
  };
  const action = act[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}
