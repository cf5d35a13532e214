-- One user's device and location history (SCD type 2). Parameters: user_id.
select
    valid_from,
    valid_to,
    is_current,
    device,
    country,
    city
from dim_users
where user_id = %(user_id)s
order by valid_from;
