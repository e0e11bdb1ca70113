-- History that stays fast and bounded: trades partitioned by UTC day (declarative partitioning,
-- so managed PostgreSQL such as Neon runs it), candles kept beside them in the same transaction,
-- and the dashboard's per-symbol figures kept in trade_aggregates instead of counted per read.
-- Converts an existing database in place: every trade is moved, nothing is lost.

-- trade_aggregates: what the dashboard's summaries used to read from trades on every request.
alter table trade_aggregates
  add column whale_count bigint not null default 0 check (whale_count >= 0),
  add column last_price numeric(20, 8),
  add column last_trade_time timestamptz;

update trade_aggregates a set
  whale_count = (select count(*) from trades t where t.symbol = a.symbol and t.is_whale_trade),
  last_price = t.price,
  last_trade_time = t.trade_time
from trades t
where t.symbol = a.symbol and t.trade_id = a.last_trade_id;

-- trades, partitioned. A unique key on a partitioned table must hold the partition key, so
-- idempotency is keyed by (symbol, trade_id, trade_time): a trade id names one trade with one
-- time (the exchange sets it once), so a redelivered trade carries the same key and is skipped.
alter table trades rename to trades_unpartitioned;
alter table trades_unpartitioned drop constraint trades_symbol_trade_id_key;
alter table trades_unpartitioned drop constraint trades_pkey;
drop index idx_trades_symbol_time, idx_trades_whale, idx_trades_time;
alter sequence trades_id_seq owned by none;

create table trades (
  id bigint not null default nextval('trades_id_seq'),
  symbol varchar(20) not null,
  trade_id bigint not null,
  price numeric(20, 8) not null check (price > 0),
  quantity numeric(20, 8) not null check (quantity > 0),
  trade_time timestamptz not null,
  trade_value numeric(20, 2) not null,
  is_buyer_maker boolean not null,
  moving_average numeric(20, 8) not null,
  is_whale_trade boolean not null,
  created_at timestamptz not null default now(),
  constraint trades_symbol_trade_id_key unique (symbol, trade_id, trade_time)
) partition by range (trade_time);

create index idx_trades_symbol_time on trades (symbol, trade_time desc);
create index idx_trades_whale on trades (trade_time desc) where is_whale_trade;
create index idx_trades_time on trades (trade_time desc);

/* The partition holding `day` (UTC): trades_YYYYMMDD. */
create function trade_partition_name(day date) returns text
language sql immutable
as $$ select 'trades_' || to_char(day, 'YYYYMMDD') $$;

/* Creates the missing partitions of `days` (UTC dates); returns how many it created. */
create function ensure_trade_partitions(days date[]) returns integer
language plpgsql
as $$
declare
  day date;
  created integer := 0;
begin
  foreach day in array days loop
    if to_regclass(quote_ident(trade_partition_name(day))) is null then
      -- Serialises writers creating the same day at once; the one that comes second finds it.
      perform pg_advisory_xact_lock(7204114);
      begin
        execute format(
          'create table %I partition of trades for values from (%L) to (%L)',
          trade_partition_name(day),
          day::timestamp at time zone 'UTC',
          (day + 1)::timestamp at time zone 'UTC'
        );
        created := created + 1;
      exception when duplicate_table then
        null;
      end;
    end if;
  end loop;
  return created;
end
$$;

/* Every partition of trades with its range and size on disk, oldest first. `detaching` is set
   when a concurrent detach was interrupted and must be finished. */
create view trade_partitions as
select c.relname::text as partition, i.inhdetachpending as detaching,
  substring(pg_get_expr(c.relpartbound, c.oid) from $re$FROM \('([^']+)'\)$re$)::timestamptz
    as range_start,
  substring(pg_get_expr(c.relpartbound, c.oid) from $re$TO \('([^']+)'\)$re$)::timestamptz
    as range_end,
  pg_total_relation_size(c.oid) as bytes
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
where i.inhparent = 'trades'::regclass
order by range_start;

select ensure_trade_partitions(array(
  select distinct (trade_time at time zone 'UTC')::date from trades_unpartitioned
  union
  select (now() at time zone 'UTC')::date + ahead from generate_series(0, 1) as ahead
));

insert into trades (
  id, symbol, trade_id, price, quantity, trade_time, trade_value, is_buyer_maker,
  moving_average, is_whale_trade, created_at
)
select id, symbol, trade_id, price, quantity, trade_time, trade_value, is_buyer_maker,
  moving_average, is_whale_trade, created_at
from trades_unpartitioned;

drop table trades_unpartitioned;
alter sequence trades_id_seq owned by trades.id;

-- Candles: per symbol, interval and bucket (aligned to the epoch, so days start at 00:00 UTC).
-- open and close belong to the lowest and highest trade id in the bucket, so a late trade lands
-- where it belongs; volumes are in the base asset, split by the taker's side; quote_volume is
-- the exact sum of price × quantity, so vwap = quote_volume / volume.
create table candles (
  symbol varchar(20) not null,
  interval_seconds integer not null check (interval_seconds in (1, 60, 300, 3600, 86400)),
  bucket timestamptz not null,
  open numeric(20, 8) not null,
  high numeric(20, 8) not null,
  low numeric(20, 8) not null,
  close numeric(20, 8) not null,
  open_trade_id bigint not null,
  close_trade_id bigint not null,
  -- The moving average of the closing trade.
  moving_average numeric(20, 8) not null,
  buy_volume numeric(30, 8) not null,
  sell_volume numeric(30, 8) not null,
  quote_volume numeric(40, 16) not null,
  trades bigint not null check (trades > 0),
  primary key (symbol, interval_seconds, bucket)
);

/* Inserts the candles of every interval for `p_symbol`'s trades from `from_time` to `to_time`:
   whole UTC days that hold no candles yet (history converted, or filled in bulk). Returns the
   number of candles inserted. The consumer adds to candles batch by batch instead. */
create function build_candles(p_symbol varchar, from_time timestamptz, to_time timestamptz)
returns bigint
language sql
as $$
  with seconds as (
    select date_bin(interval '1 second', trade_time, timestamptz 'epoch') as bucket,
      (array_agg(price order by trade_id))[1] as open, max(price) as high,
      min(price) as low, (array_agg(price order by trade_id desc))[1] as close,
      min(trade_id) as open_trade_id, max(trade_id) as close_trade_id,
      (array_agg(moving_average order by trade_id desc))[1] as moving_average,
      coalesce(sum(quantity) filter (where not is_buyer_maker), 0) as buy_volume,
      coalesce(sum(quantity) filter (where is_buyer_maker), 0) as sell_volume,
      sum(price * quantity) as quote_volume, count(*) as trades
    from trades
    where symbol = p_symbol and trade_time >= from_time and trade_time < to_time
    group by 1
  ),
  inserted as (
    insert into candles
    select p_symbol, l.seconds,
      date_bin(l.seconds * interval '1 second', bucket, timestamptz 'epoch'),
      (array_agg(open order by open_trade_id))[1], max(high), min(low),
      (array_agg(close order by close_trade_id desc))[1], min(open_trade_id),
      max(close_trade_id), (array_agg(moving_average order by close_trade_id desc))[1],
      sum(buy_volume), sum(sell_volume), sum(quote_volume), sum(trades)
    from seconds
    cross join unnest('{1, 60, 300, 3600, 86400}'::integer[]) as l(seconds)
    group by 2, 3
    returning 1
  )
  select count(*) from inserted
$$;

select build_candles(symbol, date_trunc('day', min(trade_time), 'UTC'),
  date_trunc('day', max(trade_time), 'UTC') + interval '1 day')
from trades
group by symbol;
