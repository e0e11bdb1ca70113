/**
 * Registers `chartjs-plugin-zoom` (wheel and pinch zoom, drag pan, through Hammer.js) with
 * Chart.js. Browser only: Hammer.js reads `window` as it loads, so the bundle's entry imports
 * this and server rendering never does; charts made on the server side draw nothing anyway.
 */
import { Chart, type Plugin } from "chart.js";
// Its ES module build, as for chartjs-chart-financial; the package root has the types, which the
// type checker reads as CommonJS (the whole module as the default), hence the cast below.
// @ts-types="chartjs-plugin-zoom"
import zoomPlugin from "chartjs-plugin-zoom/dist/chartjs-plugin-zoom.esm.js";

Chart.register(zoomPlugin as unknown as Plugin);
