/// <reference lib="dom" />
/**
 * The page in Chromium (playwright-core, Debian's /usr/bin/chromium): the island bundle's size,
 * the frames of drag pans and wheel zooms with 5,000 one-minute candles on screen and two
 * indicators (EMA 20, RSI 14), and with 1,000 for comparison, and the main thread's busy share
 * while 20 batches a second of the shown symbol are committed (each one an `update` event). Frames are the intervals between the
 * page's animation frames while the gesture goes on, as a person sees them, and the chart's own
 * updates with their drawing (`CHART_UPDATE_MEASURE`); busy time is Chromium's own task duration
 * (`Performance.getMetrics`).
 */
import { chromium, type Page } from "playwright-core";
import { buildIslands } from "../stack/build_islands.ts";
import { fillHistory } from "./history_fill.ts";
import { BENCH_SYMBOLS, WHALE_THRESHOLD, WINDOW_SIZE } from "./bench_trades.ts";
import type { Cleanup } from "./cleanup.ts";
import { startBenchDashboard } from "./dashboard_process.ts";
import { createScratchDatabase } from "./scratch_database.ts";
import { storeBatches } from "./sse_delay.ts";
import { CHART_UPDATE_MEASURE } from "../ui/chart_view.ts";

/** One gesture: the chart's updates (each with its drawing) and the page's frame intervals. */
export interface Frames {
  updates: number;
  updateP50Ms: number;
  updateP95Ms: number;
  frames: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** The gestures over one view. */
export interface Gestures {
  /** One-minute candles on screen, with {@link INDICATORS} drawn. */
  candlesShown: number;
  pan: Frames;
  zoom: Frames;
}

/** What the browser phase measured. */
export interface BrowserResult {
  bundleKiB: number;
  bundleGzipKiB: number;
  indicators: string;
  /** 5,000 candles on screen (the target's case), then 1,000. */
  gestures: Gestures[];
  live: { updatesPerSecond: number; seconds: number; mainThreadBusyPercent: number };
}

/** Options of {@link benchBrowser}. */
export interface BrowserOptions {
  quick: boolean;
  workDir: string;
  cleanup: Cleanup;
}

const ROOT = new URL("../", import.meta.url);
const CANDLES_SHOWN = [5_000, 1_000];
const INDICATORS = "ema:20,rsi:14";
const MINUTE = 60_000;

/** Builds the bundle, fills a history, serves it and measures the page. */
export async function benchBrowser(options: BrowserOptions): Promise<BrowserResult> {
  await buildIslands();
  const bundle = await Deno.readFile(new URL("static/islands.js", ROOT));
  const gzipped = await new Response(
    new Blob([bundle]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  const database = await createScratchDatabase("browser", options.cleanup);
  try {
    // Five days of trades: every minute of the 5,000 shown has some.
    const days = 5;
    await fillHistory(database.sql, {
      trades: 400_000,
      days,
      symbols: BENCH_SYMBOLS,
      windowSize: WINDOW_SIZE,
      whaleThreshold: WHALE_THRESHOLD,
    });
    const { base, dashboard } = await startBenchDashboard(
      "browser-dashboard",
      database.url,
      options,
    );
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const gestures: Gestures[] = [];
      for (const candlesShown of CANDLES_SHOWN) {
        const to = Math.floor(Date.now() / MINUTE) * MINUTE;
        const from = to - candlesShown * MINUTE;
        await page.goto(
          `${base}/?symbol=${BENCH_SYMBOLS[0]}&interval=1m&from=${from}&to=${to}` +
            `&ind=${INDICATORS}`,
        );
        await page.waitForSelector(".chart canvas[data-indicators*='rsi:14']", {
          timeout: 60_000,
        });
        const pan = await gestureFrames(page, async (at) => {
          for (let drag = 0; drag < (options.quick ? 2 : 5); drag++) {
            await page.mouse.move(...at(0.3));
            await page.mouse.down();
            await page.mouse.move(...at(0.7), { steps: 60 });
            await page.mouse.up();
          }
        });
        // In and out again, so the view stays near its number of candles.
        const zoom = await gestureFrames(page, async (at) => {
          await page.mouse.move(...at(0.5));
          for (let step = 0; step < (options.quick ? 20 : 60); step++) {
            await page.mouse.wheel(0, step % 20 < 10 ? -100 : 100);
            await page.waitForTimeout(16);
          }
        });
        gestures.push({ candlesShown, pan, zoom });
      }
      const seconds = options.quick ? 10 : 30;
      await page.goto(`${base}/?symbol=${BENCH_SYMBOLS[0]}&interval=1m&ind=${INDICATORS}`);
      // Connected: live, or stale while the history's newest trade is over a minute old.
      await page.waitForSelector("[data-status='live'], [data-status='stale']", {
        timeout: 30_000,
      });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      const busy = async () => {
        const { metrics } = await cdp.send("Performance.getMetrics");
        return metrics.find((metric) => metric.name === "TaskDuration")!.value;
      };
      const [busyBefore, wallBefore] = [await busy(), performance.now()];
      const updatesPerSecond = 20;
      await storeBatches(database.sql, seconds, [BENCH_SYMBOLS[0]], updatesPerSecond);
      const busyShare = (await busy() - busyBefore) / ((performance.now() - wallBefore) / 1_000);
      const result: BrowserResult = {
        bundleKiB: Math.round(bundle.length / 102.4) / 10,
        bundleGzipKiB: Math.round(gzipped.byteLength / 102.4) / 10,
        indicators: INDICATORS,
        gestures,
        live: {
          updatesPerSecond,
          seconds,
          mainThreadBusyPercent: Math.round(busyShare * 1_000) / 10,
        },
      };
      printResult(result);
      return result;
    } finally {
      await browser.close();
      await dashboard.stop();
    }
  } finally {
    await database.drop();
  }
}

/**
 * The intervals between the page's animation frames while `gesture` runs over the chart;
 * `at(x)` is a point of the chart at share `x` of its width, 40 % down.
 */
async function gestureFrames(
  page: Page,
  gesture: (at: (x: number) => [number, number]) => Promise<void>,
): Promise<Frames> {
  const box = (await page.locator(".chart canvas").boundingBox())!;
  await page.evaluate((measure) => {
    const record = globalThis as unknown as {
      frames: number[];
      updates: number[];
      recording: boolean;
      observer: PerformanceObserver;
    };
    // The chart empties the page's list of its measures; an observer is told of each one.
    record.updates = [];
    record.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntriesByName(measure)) record.updates.push(entry.duration);
    });
    record.observer.observe({ type: "measure" });
    record.frames = [];
    record.recording = true;
    const loop = (time: number) => {
      record.frames.push(time);
      if (record.recording) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }, CHART_UPDATE_MEASURE);
  await gesture((x) => [box.x + box.width * x, box.y + box.height * 0.4]);
  const { times, updates } = await page.evaluate(async () => {
    const record = globalThis as unknown as {
      frames: number[];
      updates: number[];
      recording: boolean;
      observer: PerformanceObserver;
    };
    // The observer is told of the last measures in a task of its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    record.recording = false;
    record.observer.disconnect();
    return { times: record.frames, updates: record.updates };
  });
  const intervals = times.slice(1).map((time, i) => time - times[i]);
  return {
    updates: updates.length,
    updateP50Ms: quantile(updates, 0.5),
    updateP95Ms: quantile(updates, 0.95),
    frames: intervals.length,
    p50Ms: quantile(intervals, 0.5),
    p95Ms: quantile(intervals, 0.95),
    maxMs: quantile(intervals, 1),
  };
}

/** The `q` quantile of `values`, to a tenth. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
}

function printResult(result: BrowserResult): void {
  const frames = (name: string, f: Frames) =>
    `     ${name}: ${f.updates} chart updates, p50 ${f.updateP50Ms} ms, p95 ${f.updateP95Ms} ms; ` +
    `${f.frames} frames, p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms, max ${f.maxMs} ms`;
  console.log(`   bundle ${result.bundleKiB} KiB, ${result.bundleGzipKiB} KiB gzip`);
  for (const { candlesShown, pan, zoom } of result.gestures) {
    console.log(
      `   ${candlesShown} one-minute candles on screen with ${result.indicators}:\n` +
        `${frames("drag pan", pan)}\n${frames("wheel zoom", zoom)}`,
    );
  }
  console.log(
    `   live at ${result.live.updatesPerSecond} updates/s for ${result.live.seconds} s: ` +
      `main thread busy ${result.live.mainThreadBusyPercent} % of the time`,
  );
}
