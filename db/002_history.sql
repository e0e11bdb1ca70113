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
      -- Serialises consumers creating the same day at once.
      perform pg_advisory_xact_lock(7204114);
      if to_regclass(quote_ident(trade_partition_name(day))) is null then
        execute format(
          'create table %I partition of trades for values from (%L) to (%L)',
          trade_partition_name(day),
          day::timestamp at time zone 'UTC',
          (day + 1)::timestamp at time zone 'UTC'
        );
        created := created + 1;
      end if;
    end if;
  end loop;
  return created;
end
$$;

/* Every partition of trades with its range and size on disk, oldest first. */
create view trade_partitions as
select c.relname::text as partition,
  substring(pg_get_expr(c.relpartbound, c.oid) from $re$FROM \('([^']+)'\)$re$)::timestamptz
    as range_start,
  substring(pg_get_expr(c.relpartbound, c.oid) from $re$TO \('([^']+)'\)$re$)::timestamptz
    as range_end,
  pg_total_relation_size(c.oid) as bytes
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
where i.inhparent = 'trades'::regclass
order by range_start;

/* Drops the partitions whose every trade is older than `cutoff`; returns their names. */
create function drop_trade_partitions_before(cutoff timestamptz) returns setof text
language plpgsql
as $$
declare
  expired text;
begin
  -- Dropping a partition locks trades briefly; never queue behind a long reader.
  set local lock_timeout = '5s';
  for expired in select partition from trade_partitions where range_end <= cutoff loop
    execute format('drop table %I', expired);
    return next expired;
  end loop;
end
$$;

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

insert into candles
select symbol, 1, date_bin(interval '1 second', trade_time, timestamptz 'epoch'),
  (array_agg(price order by trade_id))[1], max(price), min(price),
  (array_agg(price order by trade_id desc))[1], min(trade_id), max(trade_id),
  (array_agg(moving_average order by trade_id desc))[1],
  coalesce(sum(quantity) filter (where not is_buyer_maker), 0),
  coalesce(sum(quantity) filter (where is_buyer_maker), 0),
  sum(price * quantity), count(*)
from trades
group by 1, 3;

insert into candles
select symbol, l.seconds, date_bin(l.seconds * interval '1 second', bucket, timestamptz 'epoch'),
  (array_agg(open order by open_trade_id))[1], max(high), min(low),
  (array_agg(close order by close_trade_id desc))[1], min(open_trade_id), max(close_trade_id),
  (array_agg(moving_average order by close_trade_id desc))[1],
  sum(buy_volume), sum(sell_volume), sum(quote_volume), sum(trades)
from candles
cross join unnest('{60, 300, 3600, 86400}'::integer[]) as l(seconds)
where interval_seconds = 1
group by 1, 2, 3;
