-- gold.dim_brand: one row per brand with its activity.
-- Inputs: silver_for_brands (Silver events of the brands this run recomputes).
with events as (
    select * from silver_for_brands
),

brands as (
    select
        brand,
        count(distinct product_id) as products,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'purchase') as purchases,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0)::decimal(18, 2) as revenue,
        min(event_time) as first_seen,
        max(event_time) as last_seen
    from events
    group by brand
)

select * from brands
