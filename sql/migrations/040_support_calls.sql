-- Support-call analytics (the call-center seed): every `support_call` fact enriched by
-- the consumer's rules (`consumer/calls/`), and two aggregates maintained from them in
-- the batch transaction like the others (`sql/aggregates/140-160`).
--
-- `support_calls` holds one row per stored support_call event (same event_id), written in
-- the transaction that inserts the fact; `rules_version` says which rules produced the
-- detected columns. The aggregates keep additive counts and sums only; rates and
-- averages are generated columns, so they can never disagree with the counts.

create table support_calls (
    event_id uuid primary key,
    occurred_at timestamptz not null,
    call_id text not null,
    user_id text not null,
    agent_id text not null,
    agent_name text not null,  -- normalised (whitespace, case)
    duration_seconds integer not null check (duration_seconds > 0),
    transcript_clean text not null,  -- lower case, single spaces, one line per turn
    conversion_kind text check (conversion_kind in ('booking', 'purchase', 'signup', 'upsell')),
    is_converted boolean not null generated always as (conversion_kind is not null) stored,
    upsell_amount numeric(12, 2) check (upsell_amount >= 0),
    upsell_product text,
    has_upsell boolean not null generated always as (upsell_amount is not null) stored,
    sentiment text not null check (sentiment in ('positive', 'neutral', 'negative')),
    sentiment_score integer not null,
    rules_version integer not null,
    check (upsell_amount is null or conversion_kind is not null)
);

create index support_calls_agent_id_occurred_at on support_calls (agent_id, occurred_at);
create index support_calls_occurred_at on support_calls (occurred_at);

-- Per agent per UTC day.
create table agent_daily_calls (
    call_date date not null,
    agent_id text not null,
    calls bigint not null,
    conversions bigint not null,
    upsells bigint not null,
    upsell_revenue numeric(20, 2) not null,
    total_duration_seconds bigint not null,
    positive_calls bigint not null,
    neutral_calls bigint not null,
    negative_calls bigint not null,
    conversion_rate_pct numeric generated always as (
        round(100.0 * conversions / nullif(calls, 0), 2)
    ) stored,
    avg_duration_seconds numeric generated always as (
        round(total_duration_seconds::numeric / nullif(calls, 0), 1)
    ) stored,
    primary key (call_date, agent_id)
) with (fillfactor = 80);

-- Per UTC day, all agents.
create table daily_call_metrics (
    call_date date primary key,
    calls bigint not null,
    conversions bigint not null,
    upsells bigint not null,
    upsell_revenue numeric(20, 2) not null,
    total_duration_seconds bigint not null,
    positive_calls bigint not null,
    neutral_calls bigint not null,
    negative_calls bigint not null,
    conversion_rate_pct numeric generated always as (
        round(100.0 * conversions / nullif(calls, 0), 2)
    ) stored,
    upsell_rate_pct numeric generated always as (
        round(100.0 * upsells / nullif(calls, 0), 2)
    ) stored,
    avg_upsell_amount numeric generated always as (
        round(upsell_revenue / nullif(upsells, 0), 2)
    ) stored,
    avg_duration_seconds numeric generated always as (
        round(total_duration_seconds::numeric / nullif(calls, 0), 1)
    ) stored,
    positive_pct numeric generated always as (
        round(100.0 * positive_calls / nullif(calls, 0), 2)
    ) stored,
    negative_pct numeric generated always as (
        round(100.0 * negative_calls / nullif(calls, 0), 2)
    ) stored
) with (fillfactor = 70);
