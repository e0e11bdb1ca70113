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
import {
  judgeCrossing,
  judgeMove,
  mayFire,
  type PriceMove,
  type SecondCandle,
  type Side,
} from "../domain/price_rule_judge.ts";
import type { PriceRule } from "../domain/price_rule.ts";
import { encodePriceAlertUpdates, PRICE_ALERTS_CHANNEL } from "../domain/price_alert_updates.ts";
import { completedCandles, rangeKey, windowRanges } from "./price_rule_candles.ts";

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
