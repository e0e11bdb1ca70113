/**
 * `deno task fill --trades N --days D [--symbols A,B]`: fills the migrated database at
 * `DATABASE_URL` with N synthetic trades spread evenly over the D days ending now, stored as the
 * consumer stores them (moving averages over `MOVING_AVERAGE_WINDOW`, whale flags at
 * `WHALE_THRESHOLD`, aggregates, candles of every interval). Each trade is generated inside
 * PostgreSQL, one (symbol, UTC day) per transaction, so it runs at bulk-insert speed. Prices
 * follow slow waves with noise; quantities are exponential, with about 1 % whales. Trade ids end
 * just below the current time in ms, where the simulator's ids begin. Only symbols without
 * stored trades are filled.
 */
import { parseArgs } from "node:util";
import type { Sql } from "../runtime/database.ts";
import type { Logger } from "../runtime/log.ts";
import { commonConfig, consumerConfig } from "../runtime/config.ts";
import { ConfigError, envReader } from "../runtime/env_reader.ts";
import { runEntry } from "../runtime/entry.ts";
import { arrayLiteral, connectDatabase } from "../runtime/database.ts";
import { assertMigrated } from "../db/migrations.ts";

const DAY_MS = 86_400_000;

/** What to fill. */
export interface FillOptions {
  trades: number;
  days: number;
  symbols: string[];
  windowSize: number;
  whaleThreshold: string;
  /** The newest trade's time, epoch ms; default now. */
  endMs?: number;
  /** Told after each stored day of a symbol. */
  onProgress?: (stored: number) => void;
}

/** Fills the history; returns how many trades it stored. */
export async function fillHistory(sql: Sql, options: FillOptions): Promise<number> {
  const { trades, days, symbols } = options;
  const endMs = options.endMs ?? Date.now();
  const taken = await sql<{ symbol: string }[]>`
    select symbol from trade_aggregates
    where symbol = any(${arrayLiteral(symbols)}::varchar[])
  `;
  if (taken.length > 0) {
    throw new Error(
      `${taken.map((t) => t.symbol).join(", ")} already has stored trades: ` +
        `fill writes the history of symbols that have none`,
    );
  }
  let stored = 0;
  const perSymbol = symbols.map((_, i) =>
    Math.floor(trades / symbols.length) + (i < trades % symbols.length ? 1 : 0)
  );
  // One symbol per connection at once: each day's insert keeps one server process busy.
  await Promise.all(symbols.map(async (symbol, i) => {
    for (const day of symbolDays(perSymbol[i], days * DAY_MS, endMs)) {
      await fillDay(sql, symbol, day, options);
      stored += day.last - day.first + 1;
      options.onProgress?.(stored);
    }
  }));
  return stored;
}

/** The index range of one symbol's trades that falls in one UTC day. */
interface DaySlice {
  /** The symbol's trade count, span and first trade time, which place trade `i` in time. */
  count: number;
  spanMs: number;
  startMs: number;
  firstTradeId: number;
  dayStartMs: number;
  first: number;
  last: number;
}

/** Trade `i` of `count` is at `startMs + floor(i * spanMs / count)`; its id `firstTradeId + i`. */
function symbolDays(count: number, spanMs: number, endMs: number): DaySlice[] {
  const startMs = endMs - spanMs;
  const firstTradeId = endMs - count;
  const slices: DaySlice[] = [];
  const at = (i: number) => startMs + Number((BigInt(i) * BigInt(spanMs)) / BigInt(count));
  let first = 0;
  while (first < count) {
    const dayStartMs = Math.floor(at(first) / DAY_MS) * DAY_MS;
    // The first index past this day: a binary search over the monotonic times.
    let low = first, high = count;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (at(mid) < dayStartMs + DAY_MS) low = mid + 1;
      else high = mid;
    }
    slices.push({ count, spanMs, startMs, firstTradeId, dayStartMs, first, last: low - 1 });
    first = low;
  }
  return slices;
}

/** Stores one symbol's trades of one day with their candles and adds them to its aggregate. */
async function fillDay(sql: Sql, symbol: string, day: DaySlice, options: FillOptions) {
  const { windowSize, whaleThreshold } = options;
  const base = symbol.startsWith("BTC") ? 60_000 : symbol.startsWith("ETH") ? 3_000 : 100;
  // Mean quantity such that P(value >= threshold) = e^-ln(100) = 1 %.
  const meanQuantity = Number(whaleThreshold) / base / Math.log(100);
  const dayStart = new Date(day.dayStartMs);
  const dayEnd = new Date(day.dayStartMs + DAY_MS);
  await sql`select ensure_trade_partitions(array[${dayStart.toISOString().slice(0, 10)}::date])`;
  await sql.begin(async (tx) => {
    await tx`set local work_mem = '256MB'`;
    await tx`
      with generated as (
        select i, round(${base} * (1 + 0.04 * sin(i / 90000.0) + 0.01 * sin(i / 3000.0)
            + 0.002 * ((hashint8extended(i, hashtext(${symbol}) + 1) & 1048575) / 1048576.0 - 0.5)
          )::numeric, 2) as price,
          greatest(round((-ln(1 - (hashint8extended(i, hashtext(${symbol}) + 2) & 1048575) / 1048576.0)
            * ${meanQuantity})::numeric, 5), 0.00001) as quantity,
          hashint8extended(i, hashtext(${symbol}) + 3) & 1 = 0 as is_buyer_maker
        -- The window's predecessors of the day's first trade are generated again.
        from generate_series(greatest(${
      day.first - windowSize + 1
    }::bigint, 0), ${day.last}::bigint)
          as i
      ),
      averaged as (
        select i, price, quantity, is_buyer_maker,
          round((sum(price) over w)::numeric(60, 24) / count(*) over w, 8) as moving_average
        from generated
        window w as (order by i rows between ${windowSize - 1} preceding and current row)
      ),
      inserted as (
        insert into trades (symbol, trade_id, price, quantity, trade_time, trade_value,
          is_buyer_maker, moving_average, is_whale_trade)
        select ${symbol}, ${day.firstTradeId} + i, price, quantity,
          timestamptz 'epoch' + (${day.startMs}::bigint + i * ${day.spanMs}::bigint
            / ${day.count}::bigint) * interval '1 millisecond',
          round(price * quantity, 2), is_buyer_maker, moving_average,
          price * quantity >= ${whaleThreshold}::numeric
        from averaged
        where i >= ${day.first}
        order by i
        returning trade_id, price, quantity, trade_time, moving_average, is_whale_trade
      ),
      totals as (
        select count(*) as trades, sum(quantity) as volume,
          count(*) filter (where is_whale_trade) as whales, max(trade_id) as last_trade_id
        from inserted
      )
      insert into trade_aggregates as a (symbol, moving_average, trade_count, total_volume,
        last_trade_id, whale_count, last_price, last_trade_time)
      select ${symbol}, i.moving_average, t.trades, t.volume, t.last_trade_id, t.whales,
        i.price, i.trade_time
      from totals t join inserted i on i.trade_id = t.last_trade_id
      on conflict (symbol) do update set
        trade_count = a.trade_count + excluded.trade_count,
        total_volume = a.total_volume + excluded.total_volume,
        whale_count = a.whale_count + excluded.whale_count,
        moving_average = excluded.moving_average,
        last_trade_id = excluded.last_trade_id,
        last_price = excluded.last_price,
        last_trade_time = excluded.last_trade_time,
        updated_at = now()
    `;
    await tx`select build_candles(${symbol}, ${dayStart}, ${dayEnd})`;
  });
}

/** The command line: `--trades N --days D [--symbols A,B]`. */
export function parseFillArgs(
  args: string[],
  env: Record<string, string | undefined>,
): Pick<FillOptions, "trades" | "days" | "symbols"> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      trades: { type: "string" },
      days: { type: "string" },
      symbols: { type: "string" },
    },
  });
  const flags = envReader(values, (name) => `--${name}`);
  const trades = flags.int("trades", { default: undefined, min: 1, max: 10_000_000_000 });
  if (trades === undefined) throw new ConfigError("--trades", "is required");
  return {
    trades,
    days: flags.int("days", { default: 7, min: 1, max: 3_650 }),
    symbols: values.symbols === undefined
      ? commonConfig(env).symbols
      : flags.symbols("symbols", ""),
  };
}

/** Logs progress at most every few seconds, with the rate so far. */
function progressLog(log: Logger, total: number): (stored: number) => void {
  const started = performance.now();
  let lastLog = 0;
  return (stored) => {
    const now = performance.now();
    if (stored < total && now - lastLog < 5_000) return;
    lastLog = now;
    const seconds = (now - started) / 1000;
    log.info("filling", {
      stored,
      of: total,
      percent: Math.round((stored / total) * 1000) / 10,
      tradesPerSecond: Math.round(stored / seconds),
      etaSeconds: Math.round(((total - stored) * seconds) / stored),
    });
  };
}

if (import.meta.main) {
  await runEntry("fill", consumerConfig, async (config, { log }) => {
    const args = parseFillArgs(Deno.args, Deno.env.toObject());
    const sql = connectDatabase(config.databaseUrl, { max: args.symbols.length + 1 });
    try {
      await assertMigrated(sql);
      const started = performance.now();
      const stored = await fillHistory(sql, {
        ...args,
        windowSize: config.movingAverageWindow,
        whaleThreshold: config.whaleThreshold,
        onProgress: progressLog(log, args.trades),
      });
      await sql`analyze trades`;
      await sql`analyze candles`;
      const seconds = (performance.now() - started) / 1000;
      log.info("filled", { stored, seconds, tradesPerSecond: Math.round(stored / seconds) });
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
}
