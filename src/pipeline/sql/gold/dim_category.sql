-- gold.dim_category: one row per category id with its code split into levels (the latest code
-- seen wins, a tie on time broken by the code's hash; see dim_product.sql for the key). Inputs: silver_for_categories (Silver events of the categories this run recomputes).
with events as (
    select * from silver_for_categories
),

categories as (
    select
        category_id,
        arg_max(category_code, epoch_us(event_time)::hugeint * 18446744073709551616 + hash(coalesce(category_code, ''))) as category_code,
        count(*) as events,
        count(distinct product_id) as products
    from events
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
