-- data_quality: one row per input table of the latest run (row_counts and quarantine hold the
-- latest run only): rows read, accepted and quarantined, whether they reconcile, how many
-- quarantine lines (a row breaking two rules is one row, two lines), the lines by rule, and how
-- many values were blanked on rows that were kept (action value_blanked: a bad collar number
-- or declared date).
-- For "did tonight's extract load cleanly, and if not, which rule caught what".
CREATE VIEW data_quality AS
WITH latest AS (
    SELECT run_id, CAST(run_date AS DATE) AS run_date FROM runs ORDER BY run_id DESC LIMIT 1
),
by_rule AS (
    SELECT "table", rule, count(*) AS lines,
           count(*) FILTER (WHERE action = 'value_blanked') AS blanked
    FROM quarantine
    GROUP BY "table", rule
),
q AS (
    SELECT "table",
           CAST(sum(lines) AS BIGINT) AS quarantine_lines,
           CAST(sum(blanked) AS BIGINT) AS values_blanked,
           map(list(rule ORDER BY rule), list(lines ORDER BY rule)) AS quarantined_by_rule
    FROM by_rule
    GROUP BY "table"
)
SELECT
    latest.run_id,
    latest.run_date,
    rc."table",
    rc.source_file,
    rc.rows_read,
    rc.rows_accepted,
    rc.rows_quarantined,
    rc.rows_read = rc.rows_accepted + rc.rows_quarantined AS reconciled,
    coalesce(q.quarantine_lines, 0) AS quarantine_lines,
    coalesce(q.values_blanked, 0) AS values_blanked,
    coalesce(q.quarantined_by_rule, CAST(MAP {} AS MAP(VARCHAR, BIGINT))) AS quarantined_by_rule
FROM row_counts AS rc
CROSS JOIN latest
LEFT JOIN q ON q."table" = rc."table"
ORDER BY rc."table";
