-- gold.fact_sessions: one row per session (events without a session id have none).
-- Inputs: session_days (session_days.sql: each session's events per day, aggregated).
with days as (
    select * from session_days
),

-- Only the sessions seen on more than one day are grouped again; the rest pass through. (One
-- GROUP BY over a month's 42 million events into 9 million sessions took a fifth longer than
-- grouping by day first and combining.)
spanning as (
    select session_id
    from days
    group by session_id
    having count(*) > 1
),

per_session as (
    select
        session_id, user_id, session_start, session_end,
        event_date as session_date,
        events, views, carts, removes, purchases,
        len(products) as distinct_products,
        revenue
    from days
    anti join spanning using (session_id)
    union all
    select
        session_id,
        min(user_id),
        min(session_start),
        max(session_end),
        -- the UTC date of the start
        min(event_date),
        sum(events),
        sum(views),
        sum(carts),
        sum(removes),
        sum(purchases),
        len(list_distinct(flatten(list(products)))),
        sum(revenue)
    from days
    semi join spanning using (session_id)
    group by session_id
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
        events::bigint as events,
        views::bigint as views,
        carts::bigint as carts,
        removes::bigint as removes,
        purchases::bigint as purchases,
        distinct_products,
        revenue::decimal(18, 2) as revenue,
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
