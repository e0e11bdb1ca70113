/**
 * A Chart.js plugin drawing horizontal levels across the price pane, each labelled at its right
 * end: the prices users' "crosses" rules watch. A level outside the prices shown is not drawn
 * (the axis fits the candles, not the rules). Made per chart, reading its levels through a
 * function, as the crosshair does.
 */
import type { Chart, Plugin } from "chart.js";

/** One level: its price and what it is. */
export interface Level {
  price: number;
  label: string;
}

/** The levels to draw and their colour. */
export interface LevelsSource {
  levels: () => Level[];
  color: () => string;
}

/** The levels of `levels` within the price axis' range now. */
export function levelsShown(chart: Chart, levels: Level[]): Level[] {
  const price = chart.scales.y;
  return levels.filter((level) => level.price >= price.min && level.price <= price.max);
}

/** The plugin for one chart. */
export function levelsPlugin(source: LevelsSource): Plugin {
  return {
    id: "levels",
    afterDatasetsDraw(chart: Chart) {
      const levels = levelsShown(chart, source.levels());
      if (levels.length === 0) return;
      const { ctx, chartArea } = chart;
      const price = chart.scales.y;
      ctx.save();
      ctx.strokeStyle = ctx.fillStyle = source.color();
      ctx.lineWidth = 1;
      ctx.setLineDash([6, 4]);
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      for (const level of levels) {
        const y = price.getPixelForValue(level.price);
        ctx.beginPath();
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
        ctx.fillText(level.label, chartArea.right - 4, y - 2);
      }
      ctx.restore();
    },
  };
}
