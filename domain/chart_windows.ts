/** The chart windows the dashboard offers: the one list the API checks and the island shows. */

/**
 * Each window and the candles it is cut into (at most about 360 of them), each a whole number of
 * a stored candle interval, so a chart reads at most a few thousand stored candles.
 */
export const CHART_WINDOWS = {
  "5m": { seconds: 300, bucketSeconds: 1 },
  "15m": { seconds: 900, bucketSeconds: 5 },
  "1h": { seconds: 3_600, bucketSeconds: 15 },
  "4h": { seconds: 14_400, bucketSeconds: 60 },
  "24h": { seconds: 86_400, bucketSeconds: 300 },
  "7d": { seconds: 604_800, bucketSeconds: 1_800 },
  "30d": { seconds: 2_592_000, bucketSeconds: 7_200 },
} as const;

/** One of {@link CHART_WINDOWS}. */
export type ChartWindow = keyof typeof CHART_WINDOWS;

/** The window names, shortest first. */
export const CHART_WINDOW_NAMES = Object.keys(CHART_WINDOWS) as ChartWindow[];

/** The window a page opens with. */
export const DEFAULT_CHART_WINDOW: ChartWindow = "15m";
