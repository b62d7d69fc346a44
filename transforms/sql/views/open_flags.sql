-- open_flags: every flag awaiting a DPS decision (status new, unchanged, updated or reopened;
-- the same statuses as transforms.lifecycle.OPEN_STATUSES), one row per flag, most severe and
-- oldest first. For triage lists: what it is, how serious, where it goes, since when, and why.
-- days_open counts from the run that first raised the flag to the latest run.
CREATE VIEW open_flags AS
WITH latest AS (
    SELECT CAST(run_date AS DATE) AS run_date FROM runs ORDER BY run_id DESC LIMIT 1
)
SELECT
    f.flag_id,
    f.staff_id,
    sd.unit,
    sd.person_type,
    f.nominal_id,
    f.flag_kind,
    f.severity,
    CASE f.severity WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3
                    WHEN 'welfare' THEN 4 ELSE 5 END AS severity_rank,
    f.route,
    f.status,
    f.identity_band,
    f.match_weight,
    f.score,
    f.record_count,
    CAST(f.evidence_from AS DATE) AS evidence_from,
    CAST(f.evidence_to AS DATE) AS evidence_to,
    f.evidence_summary,
    f.first_raised_run,
    CAST(fr.run_date AS DATE) AS first_raised_date,
    (SELECT run_date FROM latest) - CAST(fr.run_date AS DATE) AS days_open,
    f.run_id AS raised_in_run,
    f.decision AS previous_decision,
    f.decided_on AS previous_decided_on,
    EXISTS (SELECT 1 FROM revetting_referrals rr WHERE rr.staff_id = f.staff_id)
        AS revetting_referral
FROM flags AS f
LEFT JOIN runs AS fr ON fr.run_id = f.first_raised_run
LEFT JOIN staff_directory AS sd ON sd.staff_id = f.staff_id
WHERE f.status IN ('new', 'unchanged', 'updated', 'reopened')
ORDER BY severity_rank, first_raised_date, f.flag_kind, f.staff_id, f.nominal_id;
