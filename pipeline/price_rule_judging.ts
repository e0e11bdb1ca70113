/**
 * Users' price rules judged in the consumer's transaction: each rule of the batch's symbols
 * judges, in time order, every 1-second candle completed since it last did (a symbol's candle
 * is complete once a trade of a later second is stored), reading candles only, never raw
 * trades, and fires as often as its frequency lets it (a `once` rule ends with its alert). Its
 * state and the alerts it fired commit with the trades, so a batch stored twice, or redelivered
 * after a crash, judges nothing twice: one alert per crossing or move.
 */
import { arrayLiteral } from "../runtime/database.ts";
import { unrecoverableKind } from "../runtime/unrecoverable.ts";
import type postgres from "postgres";
import { coveringSpans } from "../domain/candles.ts";
import {
  judgeCrossing,
  judgeMove,
  mayFire,
  type PriceMove,
  type SecondCandle,
  type Side,
  type WindowRange,
} from "../domain/price_rule_judge.ts";
import type { PriceRule } from "../domain/price_rule.ts";
import { encodePriceAlertUpdates, PRICE_ALERTS_CHANNEL } from "../domain/price_alert_updates.ts";

/** A rule as judging reads it: the stored rule, and where its judging stands. */
interface RuleToJudge extends PriceRule {
  /** `crosses`: the side of the level the price was last on; null before the first price. */
  side: Side | null;
  /** `moves`: true until it fires, again once the move has passed. */
  armed: boolean;
  /** Epoch ms of the newest second judged. */
  judgedUntil: number;
  /** Epoch ms of the candle of its newest alert; null before the first. */
  lastFired: number | null;
}

/** What judging changed for one rule. */
interface Judged {
  rule: RuleToJudge;
  until: number;
  side: Side | null;
  armed: boolean;
  lastFired: number | null;
  /** Epoch ms of the candle whose alert ended a `once` rule. */
  ended?: number;
  alerts: { candle: SecondCandle; move: PriceMove }[];
}

/** What {@link judgePriceRules} did. */
export interface Judgement {
  /** Ids of the alerts fired. */
  alertIds: string[];
  /** Why the rules could not be judged this time; nothing of the judging was kept. */
  fault?: unknown;
}

/**
 * Judges the live rules of `symbols` (which the batch just stored trades of) inside `tx`, under
 * a savepoint, and NOTIFYs {@link PRICE_ALERTS_CHANNEL} when any fired. A rule that cannot be
 * judged (a value out of range, a fault of ours) never keeps the trades out: its judging is
 * rolled back and reported as `fault`, and the next batch judges the same candles again. What
 * a retry may mend (a lost connection, a deadlock) is thrown, failing the batch.
 */
export async function judgePriceRules(
  tx: postgres.TransactionSql,
  symbols: string[],
): Promise<Judgement> {
  try {
    return { alertIds: await tx.savepoint((sp) => judge(sp, symbols)) };
  } catch (fault) {
    // Refused permissions or a missing table are no rule's fault: the consumer stops on them.
    if (unrecoverableKind(fault)) throw fault;
    const code = (fault as { code?: unknown }).code;
    const ours = fault instanceof RangeError ||
      (typeof code === "string" && /^(22|23|42)/.test(code));
    if (!ours) throw fault;
    return { alertIds: [], fault };
  }
}

async function judge(tx: postgres.TransactionSql, symbols: string[]): Promise<string[]> {
  // Locked, so two consumers briefly sharing a partition after a rebalance judge in turn.
  const rules = await tx<RuleToJudge[]>`
    select id::text, symbol, kind, direction, level::text, percent::text,
      window_seconds as "windowSeconds", frequency, frequency_seconds as "frequencySeconds",
      side, armed, (extract(epoch from judged_until) * 1000)::float8 as "judgedUntil",
      (extract(epoch from last_fired_at) * 1000)::float8 as "lastFired"
    from live_price_rules r
    where r.symbol = any(${arrayLiteral(symbols)}::varchar[])
    order by r.id
    for update
  `;
  if (rules.length === 0) return [];
  const candles = await completedCandles(tx, rules);
  const judged = rules.map((rule): Judged => ({
    rule,
    until: rule.judgedUntil,
    side: rule.side,
    armed: rule.armed,
    lastFired: rule.lastFired,
    alerts: [],
  }));
  const ranges = await windowRanges(tx, rules, candles);
  for (const state of judged) {
    const { rule } = state;
    for (const candle of candles.get(rule.symbol) ?? []) {
      if (candle.bucket <= rule.judgedUntil) continue;
      if (state.ended !== undefined) break;
      let move: PriceMove | undefined;
      if (rule.kind === "crosses") {
        const result = judgeCrossing(state.side ?? undefined, candle, rule.level!, rule.direction);
        [state.side, move] = [result.side, result.fired];
      } else {
        const range = ranges.get(rangeKey(rule.symbol, rule.windowSeconds!, candle.bucket))!;
        const result = judgeMove(state.armed, candle, range, rule.percent!, rule.direction);
        [state.armed, move] = [result.armed, result.fired];
      }
      if (move && mayFire(rule, state.lastFired, candle.bucket)) {
        state.alerts.push({ candle, move });
        state.lastFired = candle.bucket;
        if (rule.frequency === "once") state.ended = candle.bucket;
      }
      state.until = candle.bucket;
    }
  }
  return await storeJudgements(tx, judged.filter((j) => j.until > j.rule.judgedUntil));
}

/** Each symbol's completed 1-second candles after the earliest point its rules judged to. */
async function completedCandles(
  tx: postgres.TransactionSql,
  rules: RuleToJudge[],
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

function rangeKey(symbol: string, windowSeconds: number, bucket: number): string {
  return `${symbol} ${windowSeconds} ${bucket}`;
}

/**
 * The low and high over the window of every `moves` rule ending at each candle it judges,
 * read from the coarsest stored candles that tile the window exactly.
 */
async function windowRanges(
  tx: postgres.TransactionSql,
  rules: RuleToJudge[],
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

/** Stores each rule's new state and the alerts it fired; returns their ids. */
async function storeJudgements(tx: postgres.TransactionSql, judged: Judged[]): Promise<string[]> {
  if (judged.length === 0) return [];
  const alerts = judged.flatMap((j) => j.alerts.map((a) => ({ rule: j.rule, ...a })));
  const [{ ids }] = await tx<{ ids: string[] }[]>`
    with updated as (
      update price_rules r set
        judged_until = timestamptz 'epoch' + u.until_ms * interval '1 millisecond',
        side = nullif(u.side, 0), armed = u.armed, fired_count = r.fired_count + u.fired,
        last_fired_at = coalesce(
          timestamptz 'epoch' + nullif(u.last_fired_ms, 0) * interval '1 millisecond',
          r.last_fired_at
        ),
        ended_at = timestamptz 'epoch' + nullif(u.ended_ms, 0) * interval '1 millisecond'
      from unnest(
        ${arrayLiteral(judged.map((j) => j.rule.id))}::bigint[],
        ${arrayLiteral(judged.map((j) => j.until))}::float8[],
        ${arrayLiteral(judged.map((j) => j.side ?? 0))}::smallint[],
        ${arrayLiteral(judged.map((j) => j.armed))}::boolean[],
        ${arrayLiteral(judged.map((j) => j.alerts.length))}::integer[],
        ${arrayLiteral(judged.map((j) => j.alerts.at(-1)?.candle.bucket ?? 0))}::float8[],
        ${arrayLiteral(judged.map((j) => j.ended ?? 0))}::float8[]
      ) as u(id, until_ms, side, armed, fired, last_fired_ms, ended_ms)
      where r.id = u.id
    ),
    fired as (
      insert into price_alerts (
        rule_id, symbol, direction, bucket, price, close, reference, change_percent,
        close_trade_id
      )
      select rule_id, symbol, direction,
        timestamptz 'epoch' + bucket_ms * interval '1 millisecond', price, close, reference,
        nullif(change_percent, '')::numeric, close_trade_id
      from unnest(
        ${arrayLiteral(alerts.map((a) => a.rule.id))}::bigint[],
        ${arrayLiteral(alerts.map((a) => a.rule.symbol))}::varchar[],
        ${arrayLiteral(alerts.map((a) => a.move.direction))}::text[],
        ${arrayLiteral(alerts.map((a) => a.candle.bucket))}::float8[],
        ${arrayLiteral(alerts.map((a) => a.move.price))}::numeric[],
        ${arrayLiteral(alerts.map((a) => a.candle.close))}::numeric[],
        ${arrayLiteral(alerts.map((a) => a.move.reference))}::numeric[],
        ${arrayLiteral(alerts.map((a) => a.move.changePercent ?? ""))}::text[],
        ${arrayLiteral(alerts.map((a) => a.candle.closeTradeId))}::bigint[]
      ) as a(
        rule_id, symbol, direction, bucket_ms, price, close, reference, change_percent,
        close_trade_id
      )
      order by rule_id, bucket_ms
      on conflict (rule_id, bucket) do nothing
      returning id
    )
    select coalesce(array_agg(id::text order by id), '{}') as ids from fired
  `;
  if (ids.length > 0) {
    await tx`select pg_notify(${PRICE_ALERTS_CHANNEL}, ${
      encodePriceAlertUpdates({ alertIds: ids })
    })`;
  }
  return ids;
}
