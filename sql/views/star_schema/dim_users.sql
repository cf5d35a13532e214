-- Users, one row per SCD2 version: (user_id, valid_from) is the key.
create view dim_users as
with

history as (
    select * from user_history
),

activity as (
    select * from user_activity
),

final as (
    select
        history.user_id,
        history.valid_from,
        history.valid_to,
        history.is_current,
        history.device,
        history.country,
        history.city,
        activity.first_seen_at,
        activity.signed_up_at
    from history
    left join activity on history.user_id = activity.user_id
)

select * from final;

grant select on dim_users to pulse_reader;
