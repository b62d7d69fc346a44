-- staff_summary: one row per staff member ever screened (screening_ledger): when first and
-- last screened, open flags by kind, the highest open severity, decided flags, whether the
-- record counts as checked (screened, no open flag: as progress_history counts it), candidate
-- matches by identity band and whether a re-vetting referral is open. Candidate matches and
-- referrals come from the latest run, which holds only the staff screened in it.
CREATE VIEW staff_summary AS
WITH o AS (
    SELECT staff_id,
           count(*) AS open_flags,
           count(*) FILTER (WHERE flag_kind = 'misconduct') AS open_misconduct,
           count(*) FILTER (WHERE flag_kind = 'welfare') AS open_welfare,
           count(*) FILTER (WHERE flag_kind = 'association') AS open_association,
           arg_min(severity, severity_rank) AS highest_open_severity
    FROM open_flags
    GROUP BY staff_id
),
d AS (
    SELECT staff_id, count(*) AS decided_flags
    FROM flags
    WHERE status = 'decided'
    GROUP BY staff_id
),
c AS (
    SELECT staff_id,
           count(*) FILTER (WHERE band = 'auto') AS candidates_auto,
           count(*) FILTER (WHERE band = 'review') AS candidates_review,
           count(*) FILTER (WHERE band = 'discard') AS candidates_discard,
           max(match_weight) AS best_match_weight
    FROM candidate_matches
    GROUP BY staff_id
)
SELECT
    l.staff_id,
    sd.unit,
    sd.person_type,
    sd.vetting_level,
    l.first_screened_run,
    CAST(l.first_screened_date AS DATE) AS first_screened_date,
    l.last_screened_run,
    CAST(r.run_date AS DATE) AS last_screened_date,
    coalesce(o.open_flags, 0) AS open_flags,
    coalesce(o.open_misconduct, 0) AS open_misconduct,
    coalesce(o.open_welfare, 0) AS open_welfare,
    coalesce(o.open_association, 0) AS open_association,
    o.highest_open_severity,
    coalesce(d.decided_flags, 0) AS decided_flags,
    coalesce(o.open_flags, 0) = 0 AS checked,
    coalesce(c.candidates_auto, 0) AS candidates_auto,
    coalesce(c.candidates_review, 0) AS candidates_review,
    coalesce(c.candidates_discard, 0) AS candidates_discard,
    c.best_match_weight,
    EXISTS (SELECT 1 FROM revetting_referrals rr WHERE rr.staff_id = l.staff_id)
        AS revetting_referral
FROM screening_ledger AS l
LEFT JOIN runs AS r ON r.run_id = l.last_screened_run
LEFT JOIN staff_directory AS sd ON sd.staff_id = l.staff_id
LEFT JOIN o ON o.staff_id = l.staff_id
LEFT JOIN d ON d.staff_id = l.staff_id
LEFT JOIN c ON c.staff_id = l.staff_id
ORDER BY l.staff_id;
