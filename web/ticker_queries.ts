/**
 * The symbol strip's figures: each symbol's last 24 hours from its 1-minute candles (open,
 * high, low, newest close) and the last close of each half hour for its sparkline.
 */
import { arrayLiteral, type Sql } from "../runtime/database.ts";
import type { MarketTicker } from "../domain/dashboard_views.ts";
import { changePercent } from "../domain/market_ticker.ts";

/** Half hours, so a day's sparkline has 48 points. */
const SPARKLINE_STEP = "30 minutes";

/**
 * The tickers of `symbols` that traded in the 24 hours before the database's now, in the order
 * of `symbols`; a symbol without a candle in them has none.
 */
export async function marketTickers(sql: Sql, symbols: string[]): Promise<MarketTicker[]> {
  const rows = await sql<Omit<MarketTicker, "changePercent">[]>`
    with day as (
      select symbol, bucket, open, high, low, close
      from candles
      where interval_seconds = 60 and symbol = any(${arrayLiteral(symbols)}::varchar[])
        and bucket >= now() - interval '24 hours'
    )
    select symbol, to_json(now() - interval '24 hours')#>>'{}' as since,
      (array_agg(open order by bucket))[1]::text as open, max(high)::text as high,
      min(low)::text as low, (array_agg(close order by bucket desc))[1]::text as "lastPrice",
      (select array_agg(close::float8 order by step)
        from (
          select date_bin(${SPARKLINE_STEP}::interval, bucket, timestamptz 'epoch') as step,
            (array_agg(close order by bucket desc))[1] as close
          from day d where d.symbol = day.symbol group by 1
        ) steps
      ) as sparkline
    from day
    group by symbol
  `;
  const bySymbol = new Map(rows.map((row) => [row.symbol, row]));
  return symbols.flatMap((symbol) => {
    const row = bySymbol.get(symbol);
    return row ? [{ ...row, changePercent: changePercent(row.open, row.lastPrice)! }] : [];
  });
}
