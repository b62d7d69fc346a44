-- progress: one row per run, oldest first: records checked so far against the campaign target
-- (checked = screened with no flag awaiting a decision), how many were checked that night, the
-- share of the target done, the rate measured against the rate the target date needs, the
-- projected completion date (NULL when no rate yet) and whether the target date holds.
CREATE VIEW progress AS
SELECT
    run_id,
    CAST(run_date AS DATE) AS run_date,
    screened_this_run,
    screened_total,
    checked_total - coalesce(lag(checked_total) OVER w, 0) AS checked_this_run,
    checked_total,
    awaiting_decision,
    target_records,
    greatest(target_records - checked_total, 0) AS remaining,
    round(100.0 * checked_total / nullif(target_records, 0), 2) AS pct_of_target,
    CAST(target_date AS DATE) AS target_date,
    CAST(target_date AS DATE) - CAST(run_date AS DATE) AS days_to_target,
    rate_per_day,
    required_rate_per_day,
    TRY_CAST(CAST(projected_completion AS VARCHAR) AS DATE) AS projected_completion,
    on_track
FROM progress_history
WINDOW w AS (ORDER BY run_date, run_id)
ORDER BY run_date, run_id;
