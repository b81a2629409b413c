-- bronze.events: one staged source file as landed, plus lineage.
-- Inputs: staged_source (the nine columns as text, _rescued, _parse_error, _raw_line, _source_line)
-- and batch_info (one row: _source_file, _batch_id, _ingested_at).
with staged as (
    select * from staged_source
),

batch as (
    select * from batch_info
),

landed as (
    select
        -- the nine source columns, as text
        staged.event_time,
        staged.event_type,
        staged.product_id,
        staged.category_id,
        staged.category_code,
        staged.brand,
        staged.price,
        staged.user_id,
        staged.user_session,
        -- what did not fit: extra columns, parse failures
        staged._rescued,
        staged._parse_error,
        staged._raw_line,
        -- lineage
        batch._source_file,
        staged._source_line,
        batch._ingested_at,
        batch._batch_id
    from staged
    cross join batch
)

select * from landed
