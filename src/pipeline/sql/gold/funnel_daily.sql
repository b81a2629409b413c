-- gold.funnel_daily: per day and top-level category, the sessions that reached each funnel stage
-- in that category. Inputs: silver_for_days (Silver events of the days this run rebuilds).
with events as (
    select * from silver_for_days
    where user_session is not null
),

session_stages as (
    select
        event_date,
        coalesce(category_l1, 'unknown') as category_l1,
        user_session,
        bool_or(event_type = 'view') as viewed,
        bool_or(event_type = 'cart') as carted,
        bool_or(event_type = 'purchase') as purchased
    from events
    group by all
),

funnel as (
    select
        event_date,
        category_l1,
        count(*) filter (where viewed) as view_sessions,
        count(*) filter (where carted) as cart_sessions,
        count(*) filter (where purchased) as purchase_sessions,
        count(*) filter (where purchased) / nullif(count(*) filter (where viewed), 0)::double as view_to_purchase_rate
    from session_stages
    group by event_date, category_l1
)

select * from funnel
