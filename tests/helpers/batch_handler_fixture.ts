/**
 * The batch handler on a test database, an outage PostgreSQL can be made to have once, and the
 * trades it stored.
 */
import { createBatchHandler } from "../../pipeline/batch_handler.ts";
import type { DatabasePool } from "../../runtime/database.ts";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import { quietLog } from "./dashboard_app.ts";

/** A handler on `sql` (windows of 2, whales from 100,000) sending its dead letters to `letters`. */
export function handlerOn(sql: DatabasePool["sql"], letters: DeadLetter[] = [], renew = () => {}) {
  return createBatchHandler({
    database: { sql, renew },
    windowSize: 2,
    whaleThreshold: "100000",
    log: quietLog,
    sendDeadLetters: (sent) => Promise.resolve(void letters.push(...sent)),
  });
}

/**
 * Makes the first insert into trades of a row matching `condition` (SQL on `new`) fail as an
 * outage would: 40001, a serialization failure, is retried. Sequences are not rolled back, so
 * it fails only once. `before` (PL/pgSQL) runs first, for every row.
 */
export async function outageOnce(sql: DatabasePool["sql"], condition: string, before = "") {
  await sql`create sequence outage_once`;
  await sql.unsafe(`
    create function outage_once() returns trigger language plpgsql as $$
    begin
      ${before}
      if ${condition} and nextval('outage_once') = 1 then
        raise exception 'simulated outage' using errcode = '40001';
      end if;
      return new;
    end $$;
    create trigger outage_once before insert on trades
      for each row execute function outage_once();
  `);
}

/** Every stored trade as `[symbol, trade id, moving average]`, in that order. */
export async function storedRows(db: { sql: DatabasePool["sql"] }) {
  const rows = await db.sql`
    select symbol, trade_id::int, moving_average::text from trades order by 1, 2
  `;
  return rows.map((r) => [r.symbol, r.trade_id, r.moving_average]);
}
