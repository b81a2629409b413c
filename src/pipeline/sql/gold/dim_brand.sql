-- gold.dim_brand: one row per brand with its activity.
-- Inputs: activity_for_brands (product_activity.sql over the Silver events of the brands this run
-- recomputes).
with activity as (
    select * from activity_for_brands
),

brands as (
    select
        brand,
        count(distinct product_id) as products,
        sum(views)::bigint as views,
        sum(carts)::bigint as carts,
        sum(purchases)::bigint as purchases,
        coalesce(sum(price * purchases), 0)::decimal(18, 2) as revenue,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from activity
    group by brand
)

select * from brands
