-- The bare DuckDB peer of `bench peers`: clicklake's core work as one SQL script, without Delta,
-- lineage, quarantine or quality results. Placeholders (a name in double braces) are file paths, filled in quoted
-- by bench/peers/duckdb.ts. The typing and cleaning rules are those of silver/typed_batch.sql.
create table events as
with raw as (
    select * from read_csv({{csv}}, header = true, all_varchar = true)
),

typed as (
    select
        case when event_time like '____-__-__ __:__:__ UTC'
            then try_cast(left(event_time, 19) as timestamptz) end as event_time,
        event_type,
        try_cast(product_id as bigint) as product_id,
        try_cast(category_id as bigint) as category_id,
        nullif(lower(trim(category_code)), '') as category_code,
        nullif(lower(trim(brand)), '') as brand,
        try_cast(price as decimal(12, 2)) as price,
        try_cast(user_id as bigint) as user_id,
        user_session as user_session_text,
        try_cast(user_session as uuid) as user_session
    from raw
),

clean as (
    select event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session::varchar as user_session
    from typed
    where event_time is not null
      and event_type in ('view', 'cart', 'remove_from_cart', 'purchase')
      and product_id > 0
      and category_id is not null
      and price >= 0
      and user_id > 0
      and (user_session_text is null or user_session is not null)
)

select distinct *, event_time::date as event_date from clean;

copy events to {{events}} (format parquet, compression zstd);

copy (
    select
        user_session,
        min(user_id) as user_id,
        min(event_time) as session_start,
        max(event_time) as session_end,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'purchase') as purchases,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0) as revenue
    from events
    where user_session is not null
    group by user_session
) to {{sessions}} (format parquet, compression zstd);

copy (
    select
        event_date,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'remove_from_cart') as removes,
        count(*) filter (where event_type = 'purchase') as purchases,
        count(distinct user_id) as active_users,
        count(distinct user_session) as sessions,
        count(distinct user_id) filter (where event_type = 'purchase') as buyers,
        (coalesce(sum(price) filter (where event_type = 'purchase'), 0) * 100)::bigint as revenue_cents
    from events
    group by event_date
    order by event_date
) to {{kpi_daily}} (format parquet, compression zstd);

copy (
    with measures as (
        select 'product' as level, product_id::varchar as key,
            count(*) filter (where event_type = 'view') as views,
            count(*) filter (where event_type = 'cart') as carts,
            count(*) filter (where event_type = 'purchase') as purchases,
            coalesce(sum(price) filter (where event_type = 'purchase'), 0) as revenue
        from events
        group by product_id
        union all
        select 'brand', brand,
            count(*) filter (where event_type = 'view'),
            count(*) filter (where event_type = 'cart'),
            count(*) filter (where event_type = 'purchase'),
            coalesce(sum(price) filter (where event_type = 'purchase'), 0)
        from events
        where brand is not null
        group by brand
    )
    select
        *,
        purchases / nullif(views, 0)::double as conversion_rate,
        row_number() over (partition by level order by revenue desc, purchases desc, key) as revenue_rank
    from measures
) to {{product_performance}} (format parquet, compression zstd);
