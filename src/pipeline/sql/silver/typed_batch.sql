-- Silver, step 1 (a view, not a table): types one Bronze batch and names the first rule each row
-- breaks. Inputs: bronze_batch (the batch's Bronze rows) and batch_periods (the months, as
-- 'YYYY-MM', that hold a real share of the batch: see silver.ts). reason is null for a clean row.
with source as (
    select * from bronze_batch
),

typed as (
    -- Values are cast as landed (no trimming): a padded id or time is a fault to quarantine, and
    -- casts of untouched strings are several times cheaper than strptime or trim.
    select
        -- timestamps: the source writes `YYYY-MM-DD HH:MM:SS UTC`. Read as a plain timestamp and
        -- placed at UTC from its epoch seconds (whole, so exact): a cast to TIMESTAMPTZ would go
        -- through the time zone library at twice the cost.
        case when event_time like '____-__-__ __:__:__ UTC'
            then to_timestamp(epoch_us(try_cast(left(event_time, 19) as timestamp)) / 1000000) end as event_time_v,
        -- categorical
        event_type as event_type_v,
        -- ids
        try_cast(product_id as bigint) as product_id_v,
        try_cast(category_id as bigint) as category_id_v,
        try_cast(user_id as bigint) as user_id_v,
        try_cast(user_session as uuid) as user_session_v,
        -- text
        nullif(lower(trim(category_code)), '') as category_code_v,
        nullif(lower(trim(brand)), '') as brand_v,
        -- numerics
        try_cast(price as decimal(12, 2)) as price_v,
        source.*
    from source
),

checked as (
    select
        *,
        case
            when _parse_error is not null then 'malformed_line'
            when event_time is null then 'missing_event_time'
            when event_time_v is null then 'bad_event_time'
            -- a valid time far from the rest of its file (a stray month) is a clock or export fault
            when left(event_time, 7) not in (select month from batch_periods) then 'event_time_outside_period'
            when event_type is null then 'missing_event_type'
            when event_type_v not in ('view', 'cart', 'remove_from_cart', 'purchase') then 'bad_event_type'
            when product_id is null then 'missing_product_id'
            when product_id_v is null or product_id_v <= 0 then 'bad_product_id'
            when category_id is null then 'missing_category_id'
            when category_id_v is null then 'bad_category_id'
            when price is null then 'missing_price'
            when price_v is null then 'bad_price'
            when price_v < 0 then 'negative_price'
            when user_id is null then 'missing_user_id'
            when user_id_v is null or user_id_v <= 0 then 'bad_user_id'
            when user_session is not null and user_session_v is null then 'bad_user_session'
        end as reason
    from typed
)

select * from checked
