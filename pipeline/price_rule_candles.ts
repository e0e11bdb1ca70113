/**
 * What price rules read of the candles while judging (`price_rule_judging.ts`): each symbol's
 * completed 1-second candles since its rules last judged, and the low and high over each
 * `moves` rule's window, read from the coarsest stored candles that tile it.
 */
import { arrayLiteral } from "../runtime/database.ts";
import type postgres from "postgres";
import { coveringSpans } from "../domain/candles.ts";
import type { SecondCandle, WindowRange } from "../domain/price_rule_judge.ts";
import type { PriceRule } from "../domain/price_rule.ts";

/** What the candles read depends on of a rule: its symbol, window and newest second judged. */
export type RuleAtCandles = Pick<PriceRule, "symbol" | "kind" | "windowSeconds"> & {
  /** Epoch ms of the newest second judged. */
  judgedUntil: number;
};

/** Each symbol's completed 1-second candles after the earliest point its rules judged to. */
export async function completedCandles(
  tx: postgres.TransactionSql,
  rules: readonly RuleAtCandles[],
): Promise<Map<string, SecondCandle[]>> {
  const from = new Map<string, number>();
  for (const rule of rules) {
    from.set(rule.symbol, Math.min(from.get(rule.symbol) ?? Infinity, rule.judgedUntil));
  }
  const rows = await tx<(SecondCandle & { symbol: string })[]>`
    select c.symbol, (extract(epoch from c.bucket) * 1000)::float8 as bucket, c.open::text,
      c.high::text, c.low::text, c.close::text, c.close_trade_id::text as "closeTradeId"
    from unnest(
      ${arrayLiteral([...from.keys()])}::varchar[],
      ${arrayLiteral([...from.values()])}::float8[]
    ) as f(symbol, judged_ms)
    join trade_aggregates a on a.symbol = f.symbol
    join candles c on c.symbol = f.symbol and c.interval_seconds = 1
      and c.bucket > timestamptz 'epoch' + f.judged_ms * interval '1 millisecond'
      and c.bucket < date_bin(interval '1 second', a.last_trade_time, timestamptz 'epoch')
    order by c.symbol, c.bucket
  `;
  const candles = new Map<string, SecondCandle[]>();
  for (const row of rows) {
    const list = candles.get(row.symbol) ?? [];
    if (list.length === 0) candles.set(row.symbol, list);
    list.push(row);
  }
  return candles;
}

/** The key of a `moves` rule's window ending with the candle at `bucket`. */
export function rangeKey(symbol: string, windowSeconds: number, bucket: number): string {
  return `${symbol} ${windowSeconds} ${bucket}`;
}

/**
 * The low and high over the window of every `moves` rule ending at each candle it judges,
 * read from the coarsest stored candles that tile the window exactly.
 */
export async function windowRanges(
  tx: postgres.TransactionSql,
  rules: readonly RuleAtCandles[],
  candles: Map<string, SecondCandle[]>,
): Promise<Map<string, WindowRange>> {
  const spans: { key: string; symbol: string; seconds: number; from: number; to: number }[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (rule.kind !== "moves") continue;
    for (const candle of candles.get(rule.symbol) ?? []) {
      const key = rangeKey(rule.symbol, rule.windowSeconds!, candle.bucket);
      if (candle.bucket <= rule.judgedUntil || seen.has(key)) continue;
      seen.add(key);
      const end = candle.bucket + 1_000;
      for (const span of coveringSpans(end - rule.windowSeconds! * 1_000, end)) {
        spans.push({ key, symbol: rule.symbol, ...span });
      }
    }
  }
  if (spans.length === 0) return new Map();
  const rows = await tx<{ key: string; low: string; high: string }[]>`
    select s.key, min(c.low)::text as low, max(c.high)::text as high
    from unnest(
      ${arrayLiteral(spans.map((s) => s.key))}::text[],
      ${arrayLiteral(spans.map((s) => s.symbol))}::varchar[],
      ${arrayLiteral(spans.map((s) => s.seconds))}::integer[],
      ${arrayLiteral(spans.map((s) => s.from))}::float8[],
      ${arrayLiteral(spans.map((s) => s.to))}::float8[]
    ) as s(key, symbol, seconds, from_ms, to_ms)
    join candles c on c.symbol = s.symbol and c.interval_seconds = s.seconds
      and c.bucket >= timestamptz 'epoch' + s.from_ms * interval '1 millisecond'
      and c.bucket < timestamptz 'epoch' + s.to_ms * interval '1 millisecond'
    group by s.key
  `;
  return new Map(rows.map((r) => [r.key, { low: r.low, high: r.high }]));
}
