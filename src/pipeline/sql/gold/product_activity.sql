-- Not a table: the Silver events of a scope folded to one row per product, category, brand and
-- price, which dim_product, dim_brand and dim_category then aggregate. Every value those three
-- take per event is constant within a row here, so their counts, sums, extremes, distinct
-- products and latest values come out exactly as over the events themselves: the latest value of
-- a row is its value at last_seen. A month of 42 million events folds to about one row per
-- product, so the first build reads Silver once for the three instead of three times.
-- Inputs: activity_source (the Silver events of the scope).
with events as (
    select * from activity_source
),

activity as (
    select
        product_id,
        category_id,
        category_code,
        brand,
        price,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'remove_from_cart') as removes,
        count(*) filter (where event_type = 'purchase') as purchases,
        min(event_time) as first_seen,
        max(event_time) as last_seen
    from events
    group by product_id, category_id, category_code, brand, price
)

select * from activity
