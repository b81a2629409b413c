-- gold.user_segments: RFM scores in quintiles (5 = best) and a named segment for buyers;
-- engagement tiers for users who never bought. Recency counts days back from the last event in
-- the data (not the wall clock), so a rebuild gives the same answer. Inputs: gold_dim_user.
with users as (
    select * from gold_dim_user
),

reference as (
    select max(last_seen)::date as as_of from users
),

buyers as (
    select
        u.user_id,
        date_diff('day', u.last_purchase_at::date, r.as_of) as recency_days,
        u.purchase_sessions as frequency,
        u.revenue as monetary
    from users as u
    cross join reference as r
    where u.purchases > 0
),

scored as (
    select
        *,
        -- user_id breaks ties so quintile borders do not depend on scan order
        ntile(5) over (order by recency_days desc, user_id) as r_score,
        ntile(5) over (order by frequency, user_id) as f_score,
        ntile(5) over (order by monetary, user_id) as m_score
    from buyers
),

named as (
    select
        user_id,
        true as is_buyer,
        recency_days,
        frequency,
        monetary,
        r_score,
        f_score,
        m_score,
        concat(r_score, f_score, m_score) as rfm_score,
        case
            when r_score >= 4 and f_score >= 4 then 'champions'
            when f_score >= 4 then 'loyal_customers'
            when r_score >= 4 and f_score >= 2 then 'potential_loyalists'
            when r_score >= 4 then 'new_customers'
            when r_score <= 2 and f_score >= 3 then 'at_risk'
            when r_score <= 2 then 'hibernating'
            else 'need_attention'
        end as segment
    from scored
),

browsers as (
    select
        u.user_id,
        false as is_buyer,
        date_diff('day', u.last_seen::date, r.as_of) as recency_days,
        0::bigint as frequency,
        0::decimal(18, 2) as monetary,
        null::bigint as r_score,
        null::bigint as f_score,
        null::bigint as m_score,
        null::varchar as rfm_score,
        case
            when u.carts > 0 then 'engaged_browser'
            when u.sessions >= 3 or u.events >= 10 then 'active_browser'
            else 'casual_visitor'
        end as segment
    from users as u
    cross join reference as r
    where u.purchases = 0
)

select * from named
union all
select * from browsers
