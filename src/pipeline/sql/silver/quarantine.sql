-- silver.quarantine: every row of one batch that broke a rule, with its raw values, where it came
-- from and why. Inputs: silver_typed (typed_batch.sql), quarantine_info (one row: _quarantined_at).
with rejected as (
    select * from silver_typed where reason is not null
),

traced as (
    select
        -- raw values, as landed
        rejected.event_time,
        rejected.event_type,
        rejected.product_id,
        rejected.category_id,
        rejected.category_code,
        rejected.brand,
        rejected.price,
        rejected.user_id,
        rejected.user_session,
        rejected._rescued,
        rejected._raw_line,
        rejected._parse_error,
        -- why, and where from
        rejected.reason,
        rejected._source_file,
        rejected._source_line,
        rejected._batch_id,
        info._quarantined_at
    from rejected
    cross join quarantine_info as info
)

select * from traced
