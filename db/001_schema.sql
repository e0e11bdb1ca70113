-- The seed's tables, column for column, plus trade_id and the unique key that make every
-- write idempotent. Amounts are exact numeric; times carry their zone.

create table trades (
  id bigserial primary key,
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
  constraint trades_symbol_trade_id_key unique (symbol, trade_id)
);

create index idx_trades_symbol_time on trades (symbol, trade_time desc);
create index idx_trades_whale on trades (trade_time desc) where is_whale_trade;
create index idx_trades_time on trades (trade_time desc);

-- last_trade_id lets an upsert tell whether its batch holds the symbol's newest trade, so a
-- late trade never overwrites the current moving average.
create table trade_aggregates (
  symbol varchar(20) primary key,
  moving_average numeric(20, 8) not null,
  trade_count bigint not null check (trade_count >= 0),
  total_volume numeric(30, 8) not null,
  last_trade_id bigint not null,
  updated_at timestamptz not null default now()
);
