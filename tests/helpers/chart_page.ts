/// <reference lib="dom" />
/** Reading and moving the page's chart in the browser tests, through its canvas's attributes. */
import type { Page } from "playwright-core";

/** The chart's canvas. */
export const CANVAS = ".chart canvas";

/** A point of the chart: share `x` of its width, `y` of its height, in the page's pixels. */
export type ChartPoint = (x: number, y: number) => readonly [number, number];

/** The points of the chart as it is laid out now. */
export async function chartPoint(page: Page): Promise<ChartPoint> {
  const box = (await page.locator(CANVAS).boundingBox())!;
  return (x, y) => [box.x + box.width * x, box.y + box.height * y] as const;
}

/** The time axis' ends shown, from the canvas's `data-view`. */
export async function shownView(page: Page): Promise<{ from: number; to: number }> {
  const [from, to] = (await page.getAttribute(CANVAS, "data-view"))!.split(" ").map(Number);
  return { from, to };
}

/** The time of the newest candle drawn (epoch ms), or undefined while none is. */
export async function newestTime(page: Page): Promise<number | undefined> {
  const newest = await page.getAttribute(CANVAS, "data-newest");
  return newest === null ? undefined : Date.parse(newest.split(" ")[0]);
}

/** Drags the chart from left to right across most of it: a pan into the past. */
export async function drag(page: Page, at: ChartPoint): Promise<void> {
  await page.mouse.move(...at(0.15, 0.4));
  await page.mouse.down();
  await page.mouse.move(...at(0.9, 0.4), { steps: 10 });
  await page.mouse.up();
  await page.waitForTimeout(300);
}

/** The interval button pressed. */
export function pressedInterval(page: Page): Promise<string | null> {
  return page.textContent('.intervals button[aria-pressed="true"]');
}
