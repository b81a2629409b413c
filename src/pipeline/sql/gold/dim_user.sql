-- gold.dim_user: one row per user: first and last seen, sessions, purchases, revenue.
-- Inputs: silver_for_users (Silver events of the users this run recomputes).
with events as (
    select * from silver_for_users
),

users as (
    select
        user_id,
        min(event_time) as first_seen,
        max(event_time) as last_seen,
        count(*) as events,
        count(distinct user_session) as sessions,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'purchase') as purchases,
        count(distinct user_session) filter (where event_type = 'purchase') as purchase_sessions,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0)::decimal(18, 2) as revenue,
        max(event_time) filter (where event_type = 'purchase') as last_purchase_at
    from events
    group by user_id
)

select * from users
