/** The chart windows the dashboard offers: the one list the API checks and the island shows. */

/** Each window and the time buckets it is cut into (about 300 of them). */
export const CHART_WINDOWS = {
  "5m": { seconds: 300, bucketSeconds: 1 },
  "15m": { seconds: 900, bucketSeconds: 3 },
  "1h": { seconds: 3_600, bucketSeconds: 12 },
  "4h": { seconds: 14_400, bucketSeconds: 48 },
  "24h": { seconds: 86_400, bucketSeconds: 288 },
} as const;

/** One of {@link CHART_WINDOWS}. */
export type ChartWindow = keyof typeof CHART_WINDOWS;

/** The window names, shortest first. */
export const CHART_WINDOW_NAMES = Object.keys(CHART_WINDOWS) as ChartWindow[];

/** The window a page opens with. */
export const DEFAULT_CHART_WINDOW: ChartWindow = "15m";
