-- gold.hourly_activity: weekday (ISO, 1 = Monday) by hour of day (UTC) over all data.
-- Inputs: silver_events.
with events as (
    select day_of_week, event_hour, event_type from silver_events
),

grid as (
    select
        day_of_week,
        event_hour,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'purchase') as purchases
    from events
    group by day_of_week, event_hour
),

rated as (
    select
        *,
        purchases / nullif(views, 0)::double as conversion_rate
    from grid
)

select * from rated
