/**
 * A Chart.js plugin drawing a crosshair: a vertical line through the candle the pointer (or the
 * keyboard) is on, across every pane, and a horizontal one at the pointer. It tells
 * `onCandle` the time under the pointer, for the readout beside the chart.
 */
import type { Chart, Plugin } from "chart.js";

/** Options of {@link crosshairPlugin}, under `options.plugins.crosshair`. */
export interface CrosshairOptions {
  /** The line colour. */
  color: string;
  /** Told the time (epoch ms) under the pointer, or undefined when it leaves the chart. */
  onPointer: (x: number | undefined) => void;
  /** Where the vertical line is drawn (epoch ms), e.g. the middle of the candle pointed at. */
  at: () => number | undefined;
}

declare module "chart.js" {
  interface PluginOptionsByType<TType> {
    crosshair?: Partial<CrosshairOptions> & { _type?: TType };
  }
}

/** The pointer's last position in the canvas, per chart. */
const pointers = new WeakMap<Chart, { x: number; y: number } | undefined>();

/** The plugin; charts opt in with `options.plugins.crosshair`. */
export const crosshairPlugin: Plugin = {
  id: "crosshair",
  afterEvent(chart, args, options: Partial<CrosshairOptions>) {
    const { event } = args;
    if (!options.onPointer) return;
    if (event.type === "mouseout" || event.x === null || event.y === null) {
      pointers.delete(chart);
      options.onPointer(undefined);
    } else if (event.type === "mousemove") {
      pointers.set(chart, { x: event.x, y: event.y });
      options.onPointer(chart.scales.x.getValueForPixel(event.x));
    } else return;
    args.changed = true;
  },
  afterDatasetsDraw(chart, _args, options: Partial<CrosshairOptions>) {
    const at = options.at?.();
    if (at === undefined) return;
    const { ctx, chartArea } = chart;
    const x = chart.scales.x.getPixelForValue(at);
    if (x < chartArea.left || x > chartArea.right) return;
    const pointer = pointers.get(chart);
    ctx.save();
    ctx.strokeStyle = options.color ?? "#888";
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(x, chartArea.top);
    ctx.lineTo(x, chartArea.bottom);
    if (pointer && pointer.y >= chartArea.top && pointer.y <= chartArea.bottom) {
      ctx.moveTo(chartArea.left, pointer.y);
      ctx.lineTo(chartArea.right, pointer.y);
    }
    ctx.stroke();
    ctx.restore();
  },
};
