-- gold.kpi_daily: the day's headline numbers. Rates are per session (a session seen on two days
-- counts on both). Orders are purchasing sessions, so average order value = revenue / orders.
-- Inputs: silver_for_days (Silver events of the days this run rebuilds).
-- `events` feeds two aggregates; not materialized, so each reads Silver's columns it needs instead of
-- one copy of every column of a month being buffered (a 3.5x slowdown at 42 million events).
with events as not materialized (
    select * from silver_for_days
),

sessions as (
    select
        event_date,
        user_session,
        bool_or(event_type = 'view') as viewed,
        bool_or(event_type = 'cart') as carted,
        bool_or(event_type = 'purchase') as purchased
    from events
    where user_session is not null
    group by event_date, user_session
),

session_counts as (
    select
        event_date,
        count(*) as sessions,
        count(*) filter (where viewed) as view_sessions,
        count(*) filter (where carted) as cart_sessions,
        count(*) filter (where purchased) as orders,
        count(*) filter (where carted and not purchased) as abandoned_carts,
        count(*) filter (where carted and purchased) as carted_and_purchased
    from sessions
    group by event_date
),

event_counts as (
    select
        event_date,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'remove_from_cart') as removes,
        count(*) filter (where event_type = 'purchase') as purchases,
        count(distinct user_id) as active_users,
        count(distinct user_id) filter (where event_type = 'purchase') as buyers,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0)::decimal(18, 2) as revenue
    from events
    group by event_date
),

kpis as (
    select
        e.event_date,
        e.events,
        e.views,
        e.carts,
        e.removes,
        e.purchases,
        e.active_users,
        coalesce(s.sessions, 0) as sessions,
        e.buyers,
        coalesce(s.orders, 0) as orders,
        e.revenue,
        round(e.revenue / nullif(s.orders, 0), 2)::double as avg_order_value,
        s.cart_sessions / nullif(s.view_sessions, 0)::double as view_to_cart_rate,
        s.carted_and_purchased / nullif(s.cart_sessions, 0)::double as cart_to_purchase_rate,
        s.orders / nullif(s.sessions, 0)::double as session_conversion_rate,
        s.abandoned_carts / nullif(s.cart_sessions, 0)::double as cart_abandonment_rate
    from event_counts as e
    left join session_counts as s using (event_date)
)

select * from kpis
