-- gold.dim_product: one row per product: its latest category, brand and price, and its activity.
-- Inputs: silver_for_products (Silver events of the products this run recomputes).
with events as (
    select * from silver_for_products
),

products as (
    select
        product_id,
        -- the latest value wins; the value itself breaks ties so a rebuild picks the same one
        arg_max(category_id, (event_time, category_id)) as category_id,
        arg_max(brand, (event_time, coalesce(brand, ''))) as brand,
        arg_max(price, (event_time, price)) as last_price,
        min(price) as min_price,
        max(price) as max_price,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'remove_from_cart') as removes,
        count(*) filter (where event_type = 'purchase') as purchases,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0)::decimal(18, 2) as revenue,
        min(event_time) as first_seen,
        max(event_time) as last_seen
    from events
    group by product_id
)

select * from products
