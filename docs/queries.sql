-- Analysts' queries over the published database (out/sweep.duckdb). Run one read-only with
-- `sweep query "<the query>" [--format csv]`, or paste it into any DuckDB client. Each query
-- starts with `-- name:`, says what it answers (`-- answers:`) and lists the columns it
-- returns (`-- columns:`); the tables and views are described in docs/SCHEMA.md.

-- name: open_high_severity_flags_by_unit
-- answers: how many high-severity flags await a decision in each unit, of which kind, and how
--   old the oldest is
-- columns: unit, flag_kind, open_flags, staff, oldest_first_raised, max_days_open, also_revetting
SELECT
    unit,
    flag_kind,
    count(*) AS open_flags,
    count(DISTINCT staff_id) AS staff,
    min(first_raised_date) AS oldest_first_raised,
    max(days_open) AS max_days_open,
    count(*) FILTER (WHERE revetting_referral) AS also_revetting
FROM open_flags
WHERE severity = 'high'
GROUP BY unit, flag_kind
ORDER BY open_flags DESC, unit, flag_kind;

-- name: staff_with_misconduct_and_association_flags
-- answers: who has both an open misconduct flag (own records) and an open association flag
--   (criminal associate), the combination DPS triages first
-- columns: staff_id, open_misconduct, open_association, open_welfare, highest_open_severity, first_screened_date, last_screened_date
SELECT
    staff_id,
    open_misconduct,
    open_association,
    open_welfare,
    highest_open_severity,
    first_screened_date,
    last_screened_date
FROM staff_summary
WHERE open_misconduct > 0 AND open_association > 0
ORDER BY open_misconduct + open_association DESC, staff_id;

-- name: why_review_band_pairs_matched
-- answers: for each open flag whose identity is in the review band, what each comparison
--   contributed to the match weight (the contributions, prior, name frequencies, household and twins
--   included, add up to match_weight), strongest evidence first
-- columns: flag_id, staff_id, nominal_id, flag_kind, comparison, level, weight, match_weight
WITH levels AS (
    UNPIVOT (
        SELECT staff_id, nominal_id, forename_level, forename_weight, surname_level,
               surname_weight, name_order_level, name_order_weight, dob_level, dob_weight,
               sex_level, sex_weight, address_level, address_weight, phone_level, phone_weight
        FROM candidate_matches
    )
    ON (forename_level, forename_weight) AS forename,
       (surname_level, surname_weight) AS surname,
       (name_order_level, name_order_weight) AS name_order,
       (dob_level, dob_weight) AS dob,
       (sex_level, sex_weight) AS sex,
       (address_level, address_weight) AS address,
       (phone_level, phone_weight) AS phone
    INTO NAME comparison VALUE level, weight
),
contributions AS (
    SELECT staff_id, nominal_id, comparison, level, weight FROM levels
    UNION ALL
    -- base_weight is the prior odds of a match plus the comparisons' weights
    SELECT staff_id, nominal_id, 'prior', 'prior odds of a match',
           base_weight - (forename_weight + surname_weight + name_order_weight + dob_weight
                          + sex_weight + address_weight + phone_weight)
    FROM candidate_matches
    UNION ALL
    SELECT staff_id, nominal_id, 'surname_frequency', 'term frequency adjustment',
           surname_tf_adjustment
    FROM candidate_matches
    UNION ALL
    SELECT staff_id, nominal_id, 'forename_frequency', 'term frequency adjustment',
           forename_tf_adjustment
    FROM candidate_matches
    UNION ALL
    SELECT staff_id, nominal_id, 'household', 'same home and surname, other forename',
           household_adjustment
    FROM candidate_matches
    UNION ALL
    SELECT staff_id, nominal_id, 'twins', 'same home, family and birthday, other forename',
           twin_adjustment
    FROM candidate_matches
)
SELECT
    o.flag_id,
    o.staff_id,
    o.nominal_id,
    o.flag_kind,
    k.comparison,
    k.level,
    round(k.weight, 2) AS weight,
    round(c.match_weight, 2) AS match_weight
FROM open_flags AS o
JOIN candidate_matches AS c USING (staff_id, nominal_id)
JOIN contributions AS k USING (staff_id, nominal_id)
WHERE o.identity_band = 'review'
ORDER BY o.flag_id, k.weight DESC;

-- name: progress_by_night
-- answers: night by night, records checked against the target, how many that night, the rate
--   against the rate needed, and whether the target date still holds
-- columns: run_date, run_id, screened_this_run, checked_this_run, checked_total, target_records, pct_of_target, rate_per_day, required_rate_per_day, projected_completion, on_track
SELECT
    run_date,
    run_id,
    screened_this_run,
    checked_this_run,
    checked_total,
    target_records,
    pct_of_target,
    rate_per_day,
    required_rate_per_day,
    projected_completion,
    on_track
FROM progress
ORDER BY run_date, run_id;

-- name: quarantined_rows_by_rule_last_run
-- answers: which validation rules quarantined how many lines of which input table in the
--   latest run, whether each set its rows aside or only blanked the value (action), with the
--   first few file row numbers to look at (values are never stored)
-- columns: run_id, table, rule, field, action, lines, rows_read, example_rows
SELECT
    d.run_id,
    q."table",
    q.rule,
    q.field,
    q.action,
    count(*) AS lines,
    any_value(d.rows_read) AS rows_read,
    array_to_string(list(q.row_number ORDER BY q.row_number)[1:5], ', ') AS example_rows
FROM quarantine AS q
JOIN data_quality AS d ON d."table" = q."table"
GROUP BY d.run_id, q."table", q.rule, q.field, q.action
ORDER BY lines DESC, q."table", q.rule, q.field;

-- name: quarantine_night_by_night
-- answers: how many rows of each input table each run read, accepted and quarantined, and
--   whether every run's counts reconciled (latest run first)
-- columns: run_id, run_date, table, rows_read, rows_accepted, rows_quarantined, reconciled
SELECT
    run_id,
    run_date,
    "table",
    rows_read,
    rows_accepted,
    rows_quarantined,
    reconciled
FROM row_counts_history
ORDER BY run_id DESC, "table";
