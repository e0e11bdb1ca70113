/**
 * A Chart.js plugin drawing a crosshair: a vertical line through the candle the pointer (or the
 * keyboard) is on, across every pane, and a horizontal one at the pointer. It tells `onPointer`
 * the time under the pointer, for the readout beside the chart. Made per chart, reading what it
 * needs through functions (Chart.js would resolve functions and arrays given as options).
 */
import type { Chart, Plugin } from "chart.js";

/** What the crosshair reads and tells. */
export interface CrosshairSource {
  /** Told the time (epoch ms) under the pointer, or undefined when it leaves the chart. */
  onPointer: (x: number | undefined) => void;
  /** Where the vertical line is drawn (epoch ms), e.g. the middle of the candle pointed at. */
  at: () => number | undefined;
  /** The line colour. */
  color: () => string;
}

/** The plugin for one chart. */
export function crosshairPlugin(source: CrosshairSource): Plugin {
  let pointer: { x: number; y: number } | undefined;
  return {
    id: "crosshair",
    afterEvent(chart: Chart, args) {
      const { event } = args;
      if (event.type === "mouseout" || event.x === null || event.y === null) {
        pointer = undefined;
        source.onPointer(undefined);
      } else if (event.type === "mousemove") {
        pointer = { x: event.x, y: event.y };
        source.onPointer(chart.scales.x.getValueForPixel(event.x));
      } else return;
      args.changed = true;
    },
    afterDatasetsDraw(chart: Chart) {
      const at = source.at();
      if (at === undefined) return;
      const { ctx, chartArea } = chart;
      const x = chart.scales.x.getPixelForValue(at);
      if (x < chartArea.left || x > chartArea.right) return;
      ctx.save();
      ctx.strokeStyle = source.color();
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
}
