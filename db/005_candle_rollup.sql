-- Candles made in one place: the consumer (each batch's new trades) and build_candles (history
-- in bulk) both hand trades to add_trades_to_candles, and the intervals are listed once for
-- SQL, in candle_interval_seconds (domain/candles.ts names them for the API; a test checks that
-- the two agree).

create function candle_interval_seconds() returns integer[]
language sql immutable
as $$ select '{1, 60, 300, 3600, 86400}'::integer[] $$;

-- Rows already there passed the same list; NOT VALID spares a scan of every candle.
alter table candles drop constraint candles_interval_seconds_check;
alter table candles add constraint candles_interval_seconds_check
  check (interval_seconds = any(candle_interval_seconds())) not valid;

-- What a candle needs of a trade.
create type candle_trade as (
  symbol varchar(20),
  trade_id bigint,
  price numeric(20, 8),
  quantity numeric(20, 8),
  trade_time timestamptz,
  is_buyer_maker boolean,
  moving_average numeric(20, 8)
);

/* Adds `trades`, none of them counted in a candle yet, to the candles of every interval: they
   are cut into 1-second candles, and each of those into every interval; open and close go to
   the lowest and highest trade id, highs and lows widen, volumes and counts add. Returns the
   number of candles written. */
create function add_trades_to_candles(trades candle_trade[]) returns bigint
language sql
as $$
  with seconds as (
    select symbol, date_bin(interval '1 second', trade_time, timestamptz 'epoch') as bucket,
      (array_agg(price order by trade_id))[1] as open, max(price) as high,
      min(price) as low, (array_agg(price order by trade_id desc))[1] as close,
      min(trade_id) as open_trade_id, max(trade_id) as close_trade_id,
      (array_agg(moving_average order by trade_id desc))[1] as moving_average,
      coalesce(sum(quantity) filter (where not is_buyer_maker), 0) as buy_volume,
      coalesce(sum(quantity) filter (where is_buyer_maker), 0) as sell_volume,
      sum(price * quantity) as quote_volume, count(*) as trades
    from unnest(trades)
    group by 1, 2
  ),
  written as (
    insert into candles as c
    select symbol, l.seconds,
      date_bin(l.seconds * interval '1 second', bucket, timestamptz 'epoch'),
      (array_agg(open order by open_trade_id))[1], max(high), min(low),
      (array_agg(close order by close_trade_id desc))[1], min(open_trade_id),
      max(close_trade_id), (array_agg(moving_average order by close_trade_id desc))[1],
      sum(buy_volume), sum(sell_volume), sum(quote_volume), sum(trades)
    from seconds
    cross join unnest(candle_interval_seconds()) as l(seconds)
    group by 1, 2, 3
    on conflict (symbol, interval_seconds, bucket) do update set
      open = case when excluded.open_trade_id < c.open_trade_id
        then excluded.open else c.open end,
      open_trade_id = least(c.open_trade_id, excluded.open_trade_id),
      high = greatest(c.high, excluded.high),
      low = least(c.low, excluded.low),
      close = case when excluded.close_trade_id > c.close_trade_id
        then excluded.close else c.close end,
      moving_average = case when excluded.close_trade_id > c.close_trade_id
        then excluded.moving_average else c.moving_average end,
      close_trade_id = greatest(c.close_trade_id, excluded.close_trade_id),
      buy_volume = c.buy_volume + excluded.buy_volume,
      sell_volume = c.sell_volume + excluded.sell_volume,
      quote_volume = c.quote_volume + excluded.quote_volume,
      trades = c.trades + excluded.trades
    returning 1
  )
  select count(*) from written
$$;

/* Adds the candles of `p_symbol`'s trades from `from_time` to `to_time`, none of them in a
   candle yet (history converted, or filled in bulk), an hour of trades at a time so no array
   grows past an hour's. Returns the number of candles written. */
create or replace function build_candles(p_symbol varchar, from_time timestamptz, to_time timestamptz)
returns bigint
language sql
as $$
  select coalesce(sum(add_trades_to_candles(array(
    select row(symbol, trade_id, price, quantity, trade_time, is_buyer_maker,
      moving_average)::candle_trade
    from trades
    where symbol = p_symbol and trade_time >= hour
      and trade_time < least(hour + interval '1 hour', to_time)
  ))), 0)::bigint
  from generate_series(from_time, to_time - interval '1 microsecond', interval '1 hour') as hour
$$;
