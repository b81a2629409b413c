-- gold.dim_product: one row per product: its latest category, brand and price, and its activity.
-- Inputs: activity_for_products (product_activity.sql over the Silver events of the products this
-- run recomputes).
with activity as (
    select * from activity_for_products
),

products as (
    select
        product_id,
        -- The latest value wins, and a tie on time is broken by the value (by its hash for text), so
        -- a rebuild picks the same one. The order key packs both into one HUGEINT, time above 2^64:
        -- a (time, value) struct key gives the same order at 1.7x the cost. A row's latest event
        -- is at its last_seen, and the value is the row's own.
        arg_max(category_id, epoch_us(last_seen)::hugeint * 18446744073709551616 + category_id) as category_id,
        arg_max(brand, epoch_us(last_seen)::hugeint * 18446744073709551616 + hash(coalesce(brand, ''))) as brand,
        arg_max(price, epoch_us(last_seen)::hugeint * 18446744073709551616 + (price * 100)::bigint) as last_price,
        min(price) as min_price,
        max(price) as max_price,
        sum(views)::bigint as views,
        sum(carts)::bigint as carts,
        sum(removes)::bigint as removes,
        sum(purchases)::bigint as purchases,
        coalesce(sum(price * purchases), 0)::decimal(18, 2) as revenue,
        min(first_seen) as first_seen,
        max(last_seen) as last_seen
    from activity
    group by product_id
)

select * from products
