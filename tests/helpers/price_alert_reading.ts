/**
 * An independent reading of users' price alerts for the tests: the rules a test makes, the
 * stored 1-second candles, rule states and alerts read back from PostgreSQL, and the alerts a
 * rule must fire on those candles, computed naively here (candle by candle, windows by filter),
 * not by the consumer's SQL.
 */
import type { Sql } from "../../runtime/database.ts";

/** The window of the tests' `moves` rules. */
export const MOVE_WINDOW_SECONDS = 60;

/** A completed 1-second candle, prices in units of 10^-8. */
export interface Candle {
  bucket: number;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
}

/** A rule the test makes, what it sent, and the id the API gave it. */
export type Rule =
  & { name: string; symbol: string; body: Record<string, string>; id: string }
  & (
    | { kind: "crosses"; level: bigint; direction: "up" | "down" | "any" }
    | { kind: "moves"; percent: string; direction: "up" | "down" | "any" }
  );

/** A `crosses` rule at `level`. */
export function crossingRule(symbol: string, level: string, direction: "up" | "any"): Rule {
  return {
    name: `${symbol} crosses ${level} ${direction}`,
    symbol,
    body: { symbol, kind: "crosses", level, direction },
    id: "",
    kind: "crosses",
    level: units(level, 8),
    direction,
  };
}

/** A `moves` rule of `percent` within {@link MOVE_WINDOW_SECONDS}. */
export function moveRule(symbol: string, percent: string, direction: "up" | "any"): Rule {
  return {
    name: `${symbol} moves ${percent} % ${direction}`,
    symbol,
    body: { symbol, kind: "moves", percent, window: `${MOVE_WINDOW_SECONDS / 60}m`, direction },
    id: "",
    kind: "moves",
    percent,
    direction,
  };
}

/** What a rule remembers between candles, as `price_rules` holds it. */
export interface RuleState {
  judgedUntil: number;
  side: 1 | -1 | null;
  armed: boolean;
  firedCount: number;
}

/** An alert as one line: candle, direction, price, close, reference and move (moves only). */
function alertLine(
  bucket: number,
  direction: string,
  price: bigint,
  close: bigint,
  reference: bigint,
  changeHundredths?: bigint,
): string {
  const time = new Date(bucket).toISOString();
  return `${time} ${direction} price=${price} close=${close} ref=${reference} change=${
    changeHundredths ?? "-"
  }`;
}

/** A decimal string as units of 10^-`scale`, for amounts the test sets itself. */
function units(text: string, scale: number): bigint {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole + fraction.padEnd(scale, "0"));
}

/** The judging state of rule `id`. */
export async function ruleState(sql: Sql, id: string): Promise<RuleState> {
  const [row] = await sql<
    { judged_until: number; side: 1 | -1 | null; armed: boolean; fired_count: number }[]
  >`
    select (extract(epoch from judged_until) * 1000)::float8 as judged_until, side, armed,
      fired_count
    from price_rules where id = ${id}
  `;
  return {
    judgedUntil: row.judged_until,
    side: row.side,
    armed: row.armed,
    firedCount: row.fired_count,
  };
}

/** `symbol`'s stored 1-second candles with buckets in (`after`, `until`] (epoch ms). */
export async function secondCandles(
  sql: Sql,
  symbol: string,
  after: number,
  until: number,
): Promise<Candle[]> {
  const rows = await sql<Record<string, string>[]>`
    select (extract(epoch from bucket) * 1000)::bigint::text as bucket,
      (open * 100000000)::bigint::text as open, (high * 100000000)::bigint::text as high,
      (low * 100000000)::bigint::text as low, (close * 100000000)::bigint::text as close
    from candles
    where symbol = ${symbol} and interval_seconds = 1
      and bucket > timestamptz 'epoch' + ${after}::float8 * interval '1 millisecond'
      and bucket <= timestamptz 'epoch' + ${until}::float8 * interval '1 millisecond'
    order by bucket
  `;
  return rows.map((r) => ({
    bucket: Number(r.bucket),
    open: BigInt(r.open),
    high: BigInt(r.high),
    low: BigInt(r.low),
    close: BigInt(r.close),
  }));
}

/** The newest complete 1-second candle of `symbol`: the last before its newest trade's second. */
export async function newestCompleteBucket(sql: Sql, symbol: string): Promise<number> {
  const [{ bucket }] = await sql<{ bucket: number }[]>`
    select (extract(epoch from max(c.bucket)) * 1000)::float8 as bucket
    from candles c join trade_aggregates a on a.symbol = c.symbol
    where c.symbol = ${symbol} and c.interval_seconds = 1
      and c.bucket < date_bin(interval '1 second', a.last_trade_time, timestamptz 'epoch')
  `;
  return bucket;
}

/** The alerts stored for rule `id`, as {@link alertLine}s in candle order. */
export async function storedAlerts(sql: Sql, id: string): Promise<string[]> {
  const rows = await sql<Record<string, string | null>[]>`
    select (extract(epoch from bucket) * 1000)::bigint::text as bucket, direction,
      (price * 100000000)::bigint::text as price, (close * 100000000)::bigint::text as close,
      (reference * 100000000)::bigint::text as reference,
      (change_percent * 100)::bigint::text as change
    from price_alerts where rule_id = ${id} order by bucket
  `;
  return rows.map((r) =>
    alertLine(
      Number(r.bucket),
      r.direction!,
      BigInt(r.price!),
      BigInt(r.close!),
      BigInt(r.reference!),
      r.change === null ? undefined : BigInt(r.change),
    )
  );
}

/**
 * The alerts a `crosses` rule must fire on `candles`, starting on `side`: a candle that leaves
 * the side the price was on crosses that way first (down from at-or-above, up from below), and
 * the other way too when it closes back on that side; `any` fires the first, `up` or `down`
 * its own. Up reports the high, down the low. The side after a candle is its close's.
 */
export function expectedCrossings(
  candles: Candle[],
  side: 1 | -1 | null,
  level: bigint,
  direction: "up" | "down" | "any",
): string[] {
  const lines: string[] = [];
  let current = side;
  for (const candle of candles) {
    const before = current ?? (candle.open >= level ? 1 : -1);
    const after = candle.close >= level ? 1 : -1;
    const left = before === 1 ? candle.low < level : candle.high >= level;
    const first = before === 1 ? "down" : "up";
    const second = before === 1 ? "up" : "down";
    const ways = !left ? [] : after === before ? [first, second] : [first];
    const way = direction === "any" ? ways[0] : ways.find((w) => w === direction);
    if (way) {
      const price = way === "up" ? candle.high : candle.low;
      lines.push(alertLine(candle.bucket, way, price, candle.close, level));
    }
    current = after;
  }
  return lines;
}

/**
 * The alerts a `moves` rule must fire on `judged`, starting `armed`: each candle's window is
 * the `windowSeconds` ending with it, its low and high read naively from `all` 1-second
 * candles. Up moves by (high − window low) ÷ window low, down by (window high − low) ÷ window
 * high; an armed rule fires the larger watched move reaching `percent` and is disarmed until a
 * candle where no watched move reaches it.
 */
export function expectedMoves(
  judged: Candle[],
  all: Candle[],
  armed: boolean,
  percent: string,
  windowSeconds: number,
  direction: "up" | "down" | "any",
): string[] {
  const threshold = units(percent, 4);
  const lines: string[] = [];
  let ready = armed;
  for (const candle of judged) {
    const window = all.filter((c) =>
      c.bucket > candle.bucket - windowSeconds * 1_000 && c.bucket <= candle.bucket
    );
    const low = window.reduce((m, c) => c.low < m ? c.low : m, candle.low);
    const high = window.reduce((m, c) => c.high > m ? c.high : m, candle.high);
    const rise = candle.high - low;
    const fall = high - candle.low;
    // rise ÷ low × 100 ≥ threshold ÷ 10^4, without dividing.
    const rises = direction !== "down" && rise * 1_000_000n >= threshold * low;
    const falls = direction !== "up" && fall * 1_000_000n >= threshold * high;
    if (!rises && !falls) {
      ready = true;
      continue;
    }
    if (!ready) continue;
    ready = false;
    const up = rises && (!falls || rise * high >= fall * low);
    const [move, base] = up ? [rise, low] : [fall, high];
    // Hundredths of a percent, rounded half up.
    const change = (move * 10_000n * 2n + base) / (2n * base);
    lines.push(
      up
        ? alertLine(candle.bucket, "up", candle.high, candle.close, low, change)
        : alertLine(candle.bucket, "down", candle.low, candle.close, high, change),
    );
  }
  return lines;
}
