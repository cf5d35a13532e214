-- Sums of money have no upper bound: a day's revenue is the sum of every order of the
-- day, and the contract lets one order be worth about 1e14, so numeric(20, 2) could
-- overflow and PostgreSQL would refuse every later batch of that day. Unconstrained
-- numeric keeps every digit. The views that read these tables are saved, dropped and
-- recreated around the change (PostgreSQL cannot alter a column a view uses), with
-- exactly the definitions they had; their privileges come back through the default
-- privileges of 050_writer_role.sql and the grants made below.
create temporary table saved_views on commit drop as
with recursive dependents as (
    select distinct
        rewrite.ev_class as view_oid,
        1 as depth
    from pg_depend as dependency
    inner join pg_rewrite as rewrite on dependency.objid = rewrite.oid
    where
        dependency.refobjid in (
            'daily_sales'::regclass,
            'product_daily_sales'::regclass,
            'agent_daily_calls'::regclass,
            'daily_call_metrics'::regclass
        )
        and rewrite.ev_class <> dependency.refobjid

    union all

    select
        rewrite.ev_class as view_oid,
        dependents.depth + 1 as depth
    from dependents
    inner join pg_depend as dependency on dependency.refobjid = dependents.view_oid
    inner join pg_rewrite as rewrite on dependency.objid = rewrite.oid
    where rewrite.ev_class <> dependency.refobjid
)

select
    class.relname as view_name,
    pg_get_viewdef(class.oid) as definition,
    max(dependents.depth) as depth,
    coalesce(
        (
            select array_agg(format('grant %s on %I to %I', privilege.privilege_type, class.relname, grantee.rolname))
            from aclexplode(class.relacl) as privilege
            inner join pg_roles as grantee on privilege.grantee = grantee.oid
            where privilege.grantee <> class.relowner
        ),
        '{}'
    ) as grants
from dependents
inner join pg_class as class on dependents.view_oid = class.oid
where class.relkind = 'v'
group by class.oid, class.relname, class.relacl, class.relowner;

do $$
declare
    saved record;
    grant_statement text;
begin
    for saved in select * from saved_views order by depth desc loop
        execute format('drop view if exists %I', saved.view_name);
    end loop;

    alter table daily_call_metrics drop column avg_upsell_amount;
    alter table daily_sales alter column revenue type numeric;
    alter table product_daily_sales alter column revenue type numeric;
    alter table agent_daily_calls alter column upsell_revenue type numeric;
    alter table daily_call_metrics alter column upsell_revenue type numeric;
    alter table daily_call_metrics add column avg_upsell_amount numeric generated always as (
        round(upsell_revenue / nullif(upsells, 0), 2)
    ) stored;

    for saved in select * from saved_views order by depth loop
        execute format('create view %I as %s', saved.view_name, saved.definition);
        foreach grant_statement in array saved.grants loop
            execute grant_statement;
        end loop;
    end loop;
end
$$;
