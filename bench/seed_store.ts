/**
 * The replaced Python consumer's storage path, reproduced as the benchmark's baseline: for
 * each trade its own transaction that inserts the row, upserts the symbol's aggregate and
 * commits (SQLAlchemy's `session.add`, upsert, `session.commit()` per Kafka message).
 */
import type { Sql } from "../runtime/database.ts";
import type { TradeRow } from "../domain/batch_plan.ts";

/**
 * Stores one trade the seed's way: BEGIN, INSERT into `trades`, INSERT … ON CONFLICT into
 * `trade_aggregates`, COMMIT, each a round trip, and one durable commit per trade.
 */
export async function storeTradeAlone(sql: Sql, row: TradeRow): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`
      insert into trades (
        symbol, trade_id, price, quantity, trade_time, trade_value,
        is_buyer_maker, moving_average, is_whale_trade
      ) values (
        ${row.symbol}, ${row.tradeId}, ${row.price}::numeric, ${row.quantity}::numeric,
        timestamptz 'epoch' + ${row.tradeTime}::bigint * interval '1 millisecond',
        ${row.tradeValue}::numeric, ${row.isBuyerMaker}, ${row.movingAverage}::numeric,
        ${row.isWhale}
      )
    `;
    await tx`
      insert into trade_aggregates as a (
        symbol, moving_average, trade_count, total_volume, last_trade_id, updated_at
      ) values (
        ${row.symbol}, ${row.movingAverage}::numeric, 1, ${row.quantity}::numeric,
        ${row.tradeId}, now()
      )
      on conflict (symbol) do update set
        moving_average = excluded.moving_average,
        trade_count = a.trade_count + 1,
        total_volume = a.total_volume + excluded.total_volume,
        last_trade_id = excluded.last_trade_id,
        updated_at = excluded.updated_at
    `;
  });
}
