-- gold.dim_product: one row per product: its latest category, brand and price, and its activity.
-- Inputs: silver_for_products (Silver events of the products this run recomputes).
with events as (
    select * from silver_for_products
),

products as (
    select
        product_id,
        -- The latest value wins, and a tie on time is broken by the value (by its hash for text), so
        -- a rebuild picks the same one. The order key packs both into one HUGEINT, time above 2^64:
        -- a (time, value) struct key gives the same order at 1.7x the cost.
        arg_max(category_id, epoch_us(event_time)::hugeint * 18446744073709551616 + category_id) as category_id,
        arg_max(brand, epoch_us(event_time)::hugeint * 18446744073709551616 + hash(coalesce(brand, ''))) as brand,
        arg_max(price, epoch_us(event_time)::hugeint * 18446744073709551616 + (price * 100)::bigint) as last_price,
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
