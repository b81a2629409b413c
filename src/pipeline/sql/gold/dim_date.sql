-- gold.dim_date: one row per day that has events. Inputs: touched_dates.
with days as (
    select distinct event_date as date from touched_dates
),

described as (
    select
        (year(date) * 10000 + month(date) * 100 + day(date))::integer as date_key,
        date,
        year(date)::integer as year,
        month(date)::integer as month,
        day(date)::integer as day,
        isodow(date)::integer as day_of_week,
        dayname(date) as day_name,
        date_trunc('week', date)::date as week_start,
        date_trunc('month', date)::date as month_start,
        isodow(date) >= 6 as is_weekend
    from days
)

select * from described
