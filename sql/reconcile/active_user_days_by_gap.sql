-- Drift of `active_user_days_by_gap`: the stored rows that a recomputation from
-- `user_active_days` does not produce, and the recomputed rows it lacks. Empty when exact.
-- The user-days keep their history when FACTS_RETENTION_DAYS drops facts and are
-- themselves reconciled (sql/reconcile/user_active_days.sql), so every day is compared,
-- retention or not.
with

stored as (
    select
        activity_date,
        days_since_previous,
        users
    from active_user_days_by_gap
),

gaps as (
    select
        activity_date,
        coalesce(
            least(activity_date - lag(activity_date) over (
                partition by user_id order by activity_date
            ), 30),
            30
        ) as days_since_previous
    from user_active_days
),

recomputed as (
    select
        activity_date,
        days_since_previous::smallint as days_since_previous,
        count(*) as users
    from gaps
    group by activity_date, days_since_previous
),

stored_only as (
    select * from stored
    except
    select * from recomputed
),

recomputed_only as (
    select * from recomputed
    except
    select * from stored
),

final as (
    select
        'stored only' as side,
        stored_only.*
    from stored_only
    union all
    select
        'recomputed only' as side,
        recomputed_only.*
    from recomputed_only
)

select * from final;
