-- Each session's events of one day, aggregated: the first of gold.fact_sessions' two levels (not
-- a table). A session is grouped day by day, where its hash table is a day's sessions, then its
-- days are combined (fact_sessions.sql); few sessions span midnight.
-- Inputs: session_events (Silver events of the sessions rebuilt, on one day or on all of them).
with events as (
    select * from session_events
),

per_session_day as (
    select
        user_session as session_id,
        event_date,
        min(user_id) as user_id,
        min(event_time) as session_start,
        max(event_time) as session_end,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'remove_from_cart') as removes,
        count(*) filter (where event_type = 'purchase') as purchases,
        -- the day's distinct products (product_id is never null in Silver); a list, not a count,
        -- so a session's days can be combined exactly
        list_distinct(list(product_id)) as products,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0)::decimal(18, 2) as revenue
    from events
    group by user_session, event_date
)

select * from per_session_day
