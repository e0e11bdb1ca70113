-- How often a price rule may fire: `every` crossing or move (as before), `once` (its first
-- alert ends it: `ended_at`, and it is judged no more), or at most once per
-- `frequency_seconds` (`interval`: an alert within that time of the rule's previous one is not
-- fired). An ended rule, like a deleted one, is kept for its alerts.
alter table price_rules
  add column frequency text not null default 'every'
    check (frequency in ('every', 'once', 'interval')),
  add column frequency_seconds integer check (frequency_seconds between 60 and 86400),
  add column ended_at timestamptz,
  add constraint price_rules_frequency_interval_check
    check ((frequency = 'interval') = (frequency_seconds is not null));

drop index idx_price_rules_symbol;
create index idx_price_rules_symbol on price_rules (symbol)
  where deleted_at is null and ended_at is null;

-- The rules still judged, listed and counted against the cap: neither deleted nor ended. The
-- one definition of a live rule, for the consumer and the dashboard alike.
create view live_price_rules as
  select * from price_rules where deleted_at is null and ended_at is null;

-- A role that could read price_rules (a dashboard's read-only role, as docs/deployment.md makes
-- it) can read the view too, so a dashboard deployed before this migration keeps working.
do $$
declare
  reader text;
begin
  for reader in
    select distinct case when a.grantee = 0 then 'public' else a.grantee::regrole::text end
    from pg_class c cross join aclexplode(c.relacl) a
    where c.oid = 'price_rules'::regclass and a.privilege_type = 'SELECT'
      and a.grantee <> c.relowner
  loop
    execute format('grant select on live_price_rules to %s', reader);
  end loop;
end $$;
