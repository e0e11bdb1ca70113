-- What the pipeline says about itself, for the dashboard's health panel and the alert rules:
-- each component instance's last report, the trade ids that could not be recovered, and the
-- state of every alert rule.

-- One row per running (or lately running) component instance, replaced by each report.
create table pipeline_status (
  component text not null check (component in ('producer', 'consumer', 'monitor')),
  instance text not null,
  reported_at timestamptz not null,
  state jsonb not null,
  primary key (component, instance)
);

-- Trades missing from the stream that REST could not return: recorded once per gap.
create table trade_gaps (
  symbol varchar(20) not null,
  first_missing_id bigint not null,
  last_missing_id bigint not null check (last_missing_id >= first_missing_id),
  found_at timestamptz not null,
  reason text not null,
  primary key (symbol, first_missing_id)
);

-- The current state of each alert rule per subject ('' when the rule has one): firing since
-- `fired_at`, or resolved at `resolved_at`.
create table alerts (
  rule text not null,
  subject text not null default '',
  firing boolean not null,
  value double precision not null,
  threshold double precision not null,
  fired_at timestamptz not null,
  resolved_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (rule, subject)
);
