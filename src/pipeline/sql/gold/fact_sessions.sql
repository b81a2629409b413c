-- gold.fact_sessions: one row per session (events without a session id have none).
-- Inputs: silver_for_sessions (Silver events of the sessions this run recomputes).
with events as (
    select * from silver_for_sessions
),

per_session as (
    select
        user_session as session_id,
        min(user_id) as user_id,
        min(event_time) as session_start,
        -- the UTC date of the start, from Silver's date (cheaper than a TIMESTAMPTZ cast)
        min(event_date) as session_date,
        max(event_time) as session_end,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'remove_from_cart') as removes,
        count(*) filter (where event_type = 'purchase') as purchases,
        -- a list per session and its distinct length: half the time of count(distinct) with
        -- millions of sessions, and the same number (product_id is never null in Silver)
        len(list_distinct(list(product_id))) as distinct_products,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0)::decimal(18, 2) as revenue
    from events
    group by user_session
),

measured as (
    select
        session_id,
        user_id,
        session_start,
        session_end,
        session_date,
        -- Silver's times are whole seconds, so this is date_diff('second', …) without the time
        -- zone library
        (epoch_us(session_end) - epoch_us(session_start)) // 1000000 as duration_seconds,
        events,
        views,
        carts,
        removes,
        purchases,
        distinct_products,
        revenue,
        case
            when purchases > 0 then 'purchase'
            when carts > 0 then 'cart'
            when views > 0 then 'view'
            else 'other'
        end as funnel_stage,
        purchases > 0 as converted,
        events = 1 as bounced
    from per_session
)

select * from measured
