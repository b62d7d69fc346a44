-- flag_timeline: each flag's status run by run (flag_history with run dates), one row per flag
-- and run that saw it. For "when was this raised, did new intelligence update it, when was it
-- decided, closed or reopened". status_changed marks the runs where the status moved;
-- current_status is the flag's status now ('closed' once it has left the flags table).
CREATE VIEW flag_timeline AS
WITH numbered AS (
    SELECT run_id, CAST(run_date AS DATE) AS run_date,
           row_number() OVER (ORDER BY run_id) AS run_number
    FROM runs
)
SELECT
    h.flag_id,
    h.staff_id,
    h.nominal_id,
    h.flag_kind,
    h.run_id,
    n.run_date,
    n.run_number,
    h.status,
    lag(h.status) OVER w AS previous_status,
    h.status IS DISTINCT FROM lag(h.status) OVER w AS status_changed,
    coalesce(f.status, 'closed') AS current_status
FROM flag_history AS h
LEFT JOIN numbered AS n ON n.run_id = h.run_id
LEFT JOIN flags AS f ON f.flag_id = h.flag_id
WINDOW w AS (PARTITION BY h.flag_id ORDER BY h.run_id)
ORDER BY h.flag_id, h.run_id;
