-- gold.product_performance: per product and per brand (level says which), views to revenue,
-- conversion and rank by revenue within the level. Inputs: gold_dim_product, gold_dim_brand.
with products as (
    select
        'product' as level,
        product_id::varchar as key,
        product_id,
        brand,
        views,
        carts,
        purchases,
        revenue
    from gold_dim_product
),

brands as (
    select
        'brand' as level,
        brand as key,
        null::bigint as product_id,
        brand,
        views,
        carts,
        purchases,
        revenue
    from gold_dim_brand
),

combined as (
    select * from products
    union all
    select * from brands
),

ranked as (
    select
        *,
        purchases / nullif(views, 0)::double as conversion_rate,
        -- ties broken by the key so a rebuild ranks the same way
        row_number() over (partition by level order by revenue desc, purchases desc, key) as revenue_rank
    from combined
)

select * from ranked
