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
-- one definition of a live rule, for the consumer and the dashboard alike; updatable, so a rule
-- is deleted through it and a concurrent end or delete is seen. `*` is expanded now: a later
-- migration that changes price_rules' columns recreates the view.
create view live_price_rules as
  select * from price_rules where deleted_at is null and ended_at is null;

-- A role that could read or update price_rules (a dashboard's read-only role, and one that
-- may change rules, as docs/deployment.md makes them) may do the same through the view, so a
-- dashboard deployed before this migration keeps working. Table-wide grants only.
do $$
declare
  grant_ record;
begin
  for grant_ in
    select distinct a.privilege_type as privilege,
      case when a.grantee = 0 then 'public' else a.grantee::regrole::text end as grantee
    from pg_class c cross join aclexplode(c.relacl) a
    where c.oid = 'price_rules'::regclass and a.privilege_type in ('SELECT', 'UPDATE')
      and a.grantee <> c.relowner
  loop
    execute format('grant %s on live_price_rules to %s', grant_.privilege, grant_.grantee);
  end loop;
end $$;
