-- gold.dim_category: one row per category id with its code split into levels (the latest code
-- seen wins, a tie on time broken by the code's hash; see dim_product.sql for the key).
-- Inputs: activity_for_categories (product_activity.sql over the Silver events of the categories
-- this run recomputes).
with activity as (
    select * from activity_for_categories
),

categories as (
    select
        category_id,
        arg_max(category_code, epoch_us(last_seen)::hugeint * 18446744073709551616 + hash(coalesce(category_code, ''))) as category_code,
        sum(events)::bigint as events,
        count(distinct product_id) as products
    from activity
    group by category_id
),

levels as (
    select
        category_id,
        category_code,
        -- the same split as silver.events
        nullif(split_part(category_code, '.', 1), '') as category_l1,
        nullif(split_part(category_code, '.', 2), '') as category_l2,
        nullif(split_part(category_code, '.', 3), '') as category_l3,
        events,
        products
    from categories
)

select * from levels
