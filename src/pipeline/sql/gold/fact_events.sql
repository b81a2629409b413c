-- gold.fact_events: one row per Silver event, keyed to the dimensions; partitioned by event_date.
-- Inputs: silver_for_days (Silver events of the days this run rebuilds).
with events as (
    select * from silver_for_days
),

keyed as (
    select
        -- keys to the dimensions
        (year(event_date) * 10000 + month(event_date) * 100 + day(event_date))::integer as date_key,
        product_id,
        category_id,
        brand,
        user_id,
        user_session as session_id,
        -- the event
        event_type,
        price,
        case when event_type = 'purchase' then price else 0 end::decimal(12, 2) as revenue,
        -- timestamp parts
        event_time,
        event_hour,
        day_of_week,
        event_date
    from events
)

select * from keyed
