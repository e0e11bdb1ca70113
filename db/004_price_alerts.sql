-- Users' price alerts: the rules they set on a symbol's price, judged by the consumer on each
-- completed 1-second candle in the transaction that stored its trades, and the alerts those
-- rules fired, which the dashboard shows and the monitor delivers to the webhook.

-- A rule, and where its judging has got to. `crosses`: the price reaching `level` from the
-- other side; `moves`: the price moving `percent` within `window_seconds`. A deleted rule is
-- kept (its alerts refer to it) but no longer judged.
create table price_rules (
  id bigint generated always as identity primary key,
  symbol varchar(20) not null,
  kind text not null check (kind in ('crosses', 'moves')),
  direction text not null check (direction in ('up', 'down', 'any')),
  level numeric(20, 8) check (level > 0),
  percent numeric(10, 4) check (percent > 0),
  window_seconds integer check (window_seconds between 60 and 86400),
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  -- The newest 1-second candle judged: later ones are judged once complete.
  judged_until timestamptz not null,
  -- crosses: the side of the level the price was last on (1 at or above, -1 below; null before
  -- the first price). moves: armed until it fires, again once the move has passed.
  side smallint check (side in (-1, 1)),
  armed boolean not null default true,
  fired_count integer not null default 0,
  last_fired_at timestamptz,
  check (case kind
    when 'crosses' then level is not null and percent is null and window_seconds is null
    else level is null and percent is not null and window_seconds is not null end)
);

create index idx_price_rules_symbol on price_rules (symbol) where deleted_at is null;

-- One alert per rule and judged candle. `price` is what reached the level or made the move
-- (the candle's high going up, its low going down), `reference` the level or the window's low
-- (up) or high (down), `change_percent` the move (moves only).
create table price_alerts (
  id bigint generated always as identity primary key,
  rule_id bigint not null references price_rules (id),
  symbol varchar(20) not null,
  direction text not null check (direction in ('up', 'down')),
  bucket timestamptz not null,
  price numeric(20, 8) not null,
  close numeric(20, 8) not null,
  reference numeric(20, 8) not null,
  change_percent numeric,
  close_trade_id bigint not null,
  created_at timestamptz not null default now(),
  -- Webhook delivery by the monitor: claimed for a while, then delivered or given up.
  claimed_by text,
  claimed_at timestamptz,
  delivered_at timestamptz,
  given_up_at timestamptz,
  unique (rule_id, bucket)
);

create index idx_price_alerts_undelivered on price_alerts (id)
  where delivered_at is null and given_up_at is null;
