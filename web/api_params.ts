/**
 * Query parameters of the dashboard's JSON APIs, checked where they enter: a bad one becomes a
 * {@link BadRequest} whose message names the parameter and its value, answered as a 400.
 */
import { MAX_LIMIT } from "../domain/dashboard_views.ts";
import { CHART_WINDOWS, type ChartWindow } from "../domain/chart_windows.ts";
import { CANDLE_INTERVALS, type CandleInterval, MAX_CANDLES } from "../domain/candles.ts";
import { configuredSymbol } from "../domain/trade_event.ts";
import { IndicatorSetError, type IndicatorSpec, parseIndicatorSet } from "../domain/indicators.ts";

/**
 * A request the API cannot answer as asked, answered with `status` (400 unless the problem has
 * a status of its own, such as 415 for a body of the wrong type).
 */
export class BadRequest extends Error {
  readonly code = "BAD_REQUEST";
  constructor(readonly parameter: string, reason: string, readonly status = 400) {
    super(`${parameter}: ${oneLine(reason)}`);
    this.name = "BadRequest";
  }
}

/**
 * `text` with its control characters (line breaks among them) and Unicode line separators
 * escaped: a refusal that quotes what the client sent stays one line.
 */
export function oneLine(text: string): string {
  return text.replace(
    // deno-lint-ignore no-control-regex -- control characters are what it escapes
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `symbol`, upper-cased; must be one of `symbols`. Undefined when absent and optional. */
export function symbolParam(
  url: URL,
  symbols: readonly string[],
  required: boolean,
): string | undefined {
  const raw = url.searchParams.get("symbol");
  if (raw === null || raw === "") {
    if (required) throw new BadRequest("symbol", `is required, one of ${symbols.join(", ")}`);
    return undefined;
  }
  const symbol = configuredSymbol(raw, symbols);
  if (symbol === undefined) {
    throw new BadRequest("symbol", `"${raw.slice(0, 40)}" is not one of ${symbols.join(", ")}`);
  }
  return symbol;
}

/** `limit`, a whole number from 1 to {@link MAX_LIMIT}; `fallback` when absent. */
export function limitParam(url: URL, fallback: number): number {
  const raw = url.searchParams.get("limit");
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d{1,7}$/.test(raw) || value < 1 || value > MAX_LIMIT) {
    throw new BadRequest(
      "limit",
      `"${raw.slice(0, 40)}" is not a whole number from 1 to ${MAX_LIMIT}`,
    );
  }
  return value;
}

/** The time parameter `name` (`since`, `from`, `to`): epoch ms or an ISO 8601 time, if present. */
export function timeParam(url: URL, name: string): Date | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const date = /^\d{1,15}$/.test(raw)
    ? new Date(Number(raw))
    : /^\d{4}-\d\d-\d\dT/.test(raw)
    ? new Date(raw)
    : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new BadRequest(name, `"${raw.slice(0, 40)}" is not epoch milliseconds or an ISO time`);
  }
  return date;
}

/** `window`, one of {@link CHART_WINDOWS}; `fallback` when absent. */
export function windowParam(url: URL, fallback: ChartWindow): ChartWindow {
  return keyParam(url, "window", CHART_WINDOWS, fallback);
}

/** `interval`, one of {@link CANDLE_INTERVALS}; `fallback` when absent. */
export function intervalParam(url: URL, fallback: CandleInterval): CandleInterval {
  return keyParam(url, "interval", CANDLE_INTERVALS, fallback);
}

/** Stored candles of one interval over a range, as `/api/candles` and `/api/indicators` take it. */
export interface CandleRange {
  interval: CandleInterval;
  bucketSeconds: number;
  from: Date;
  to: Date;
}

/**
 * `interval` (default `1m`), `to` (default now) and `from` (default 1,000 intervals before
 * `to`): a range of at most {@link MAX_CANDLES} candles.
 */
export function candleRangeParams(url: URL): CandleRange {
  const interval = intervalParam(url, "1m");
  const bucketSeconds = CANDLE_INTERVALS[interval];
  const to = timeParam(url, "to") ?? new Date();
  const from = timeParam(url, "from") ?? new Date(to.getTime() - 1_000 * bucketSeconds * 1_000);
  if (from >= to) throw new BadRequest("from", "must be before to");
  const count = Math.ceil((to.getTime() - from.getTime()) / (bucketSeconds * 1_000));
  if (count > MAX_CANDLES) {
    throw new BadRequest(
      "from",
      `from..to spans ${count} ${interval} candles, at most ${MAX_CANDLES} an answer: ` +
        `narrow the range or choose a coarser interval`,
    );
  }
  return { interval, bucketSeconds, from, to };
}

/** `set`, the indicators asked for (`ema:20,rsi:14`); required. */
export function indicatorSetParam(url: URL): IndicatorSpec[] {
  const raw = url.searchParams.get("set");
  if (raw === null) throw new BadRequest("set", "is required, e.g. ema:20,rsi:14");
  try {
    return parseIndicatorSet(raw);
  } catch (error) {
    if (error instanceof IndicatorSetError) throw new BadRequest("set", error.message);
    throw error;
  }
}

/** Largest request body read, in bytes: a price rule is a few dozen. */
const MAX_BODY_BYTES = 4_096;

/** The request's JSON body; a {@link BadRequest} (400, 413 or 415) says what is wrong with it. */
export async function jsonBody(request: Request): Promise<unknown> {
  const text = await boundedBody(request, "application/json");
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("body", "is not JSON");
  }
}

/**
 * The body of `request` as text, when its content type is `type` (else a 415) and it holds at
 * most {@link MAX_BODY_BYTES} (else a 413). Reads up to the limit only (leaving the loop
 * cancels the rest): no client can make the dashboard hold a huge body.
 */
export async function boundedBody(request: Request, type: string): Promise<string> {
  const given = request.headers.get("content-type") ?? "";
  if (given.split(";")[0].trim().toLowerCase() !== type) {
    throw new BadRequest("body", `must be ${type}, not "${given.slice(0, 40)}"`, 415);
  }
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for await (const chunk of request.body ?? []) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest("body", `is over ${MAX_BODY_BYTES} bytes`, 413);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** The parameter `name`, one of the keys of `choices`; `fallback` when absent. */
function keyParam<K extends string>(
  url: URL,
  name: string,
  choices: Record<K, unknown>,
  fallback: K,
): K {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!(raw in choices)) {
    const allowed = Object.keys(choices).join(", ");
    throw new BadRequest(name, `"${raw.slice(0, 40)}" is not one of ${allowed}`);
  }
  return raw as K;
}
