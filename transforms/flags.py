"""Turn scored matches and shared identifiers into the flags DPS triages.

Two kinds, as DOMAIN.md defines them:
- self match (potential misconduct): the staff member is a nominal. Routed by their role on
  the nominal's records: suspect/offender -> misconduct triage; only victim/witness -> welfare;
  only reporting/attending officer -> no flag (counted); a matter already declared, or an
  investigation already open on the same kind of offence -> excluded.
- off-duty association: the staff member shares a current address, phone or vehicle with a
  criminal nominal over overlapping dates, or their own nominal is named as an associate of
  one. A criminal nominal at their home carrying their own name (a self match scored below
  review, or a relative of the same name) is evidence of its own kind. Addresses, phones and
  vehicles shared by many nominals are suppressed with the count; associations declared on
  the register before the evidence are excluded.
Every exclusion and suppression is kept with its reason.
"""

from __future__ import annotations

from datetime import date

import duckdb

from transforms.comparisons import check_levels, sql_in
from transforms.config import FlagConfig, MatchConfig
from transforms.normalise import compact_sql, floors_apart_sql, fold_sql, register_functions
from transforms.schema import CRIMINAL_ROLES, DUTY_ROLES, WELFARE_ROLES

# The staff's own matches: pairs whose identity is in the auto or review band.
_MATCHED = """SELECT l_id AS staff_id, r_id AS nominal_id, band, match_weight, match_probability
              FROM scored_pairs WHERE band IN ('auto', 'review')"""

# Each shared identifier: its column and the right- and left-side tables that hold it.
_IDENTIFIERS = {
    "dwelling": ("r_addr", "l_addr"),
    "phone": ("r_phone", "l_phone"),
    "vrm": ("r_vehicle", "l_vehicle"),
}


def _held_by_staff(column: str) -> str:
    """SQL: the right side's rows of an identifier some staff member also holds (no other
    row can join a staff member)."""
    right, left = _IDENTIFIERS[column]
    return f"SELECT * FROM {right} WHERE {column} IN (SELECT {column} FROM {left})"


def _severity_sql(cats: str, cfg: FlagConfig) -> str:
    """SQL: 'high' / 'medium' / 'low' from a list of offence categories and markers."""
    return f"""(CASE WHEN list_has_any({cats}, {list(cfg.severity_high)!r}) THEN 'high'
                 WHEN list_has_any({cats}, {list(cfg.severity_medium)!r}) THEN 'medium'
                 ELSE 'low' END)"""


def build_criminal_nominals(con: duckdb.DuckDBPyConnection, cfg: FlagConfig) -> None:
    """``criminal_nominals``: nominals with a suspect/offender record or a warning marker,
    among those a flag can name: the staff's own matches, nominals holding an address, phone
    or vehicle that a staff member holds, and the named associates of the own matches. The
    rest of the intelligence extract's records are never aggregated."""
    held = " ".join(f"UNION SELECT id FROM ({_held_by_staff(c)})" for c in _IDENTIFIERS)
    con.execute(f"""
        CREATE OR REPLACE TABLE criminal_nominals AS
        WITH own AS (SELECT DISTINCT nominal_id AS id FROM ({_MATCHED})),
        reach AS (
            SELECT id FROM own
            {held}
            UNION SELECT a.nominal_id_b FROM raw_associations a
                  WHERE a.nominal_id_a IN (SELECT id FROM own)
            UNION SELECT a.nominal_id_a FROM raw_associations a
                  WHERE a.nominal_id_b IN (SELECT id FROM own)
        ),
        rec AS (
            SELECT nominal_id, count(*) AS criminal_records,
                   list(DISTINCT offence_category ORDER BY offence_category) AS categories,
                   max(TRY_CAST(record_date AS DATE)) AS latest_record
            FROM raw_records
            WHERE role IN {sql_in(CRIMINAL_ROLES)} AND nominal_id IN (SELECT id FROM reach)
            GROUP BY nominal_id
        ),
        mk AS (
            SELECT nominal_id, list(DISTINCT marker ORDER BY marker) AS markers
            FROM raw_markers WHERE nominal_id IN (SELECT id FROM reach) GROUP BY nominal_id
        )
        SELECT nominal_id, coalesce(rec.criminal_records, 0) AS criminal_records,
               coalesce(rec.categories, []) AS categories, coalesce(mk.markers, []) AS markers,
               rec.latest_record,
               {_severity_sql("list_concat(coalesce(rec.categories, []), coalesce(mk.markers, []))", cfg)}
                   AS severity
        FROM rec FULL OUTER JOIN mk USING (nominal_id)
    """)


def build_self_match_outcomes(
    con: duckdb.DuckDBPyConnection, cfg: FlagConfig, run_date: date
) -> None:
    """``record_classification`` and ``self_match_outcomes``: each matched nominal's records by
    role, known matters excluded, and the route that follows."""
    con.execute(f"""
        CREATE OR REPLACE TABLE record_classification AS
        WITH m AS ({_MATCHED}),
        r AS (
            SELECT m.staff_id, m.nominal_id, rec.record_id, rec.role, rec.business_area,
                   rec.offence_category, rec.outcome, TRY_CAST(rec.record_date AS DATE) AS record_date,
                   CASE WHEN rec.role IN {sql_in(CRIMINAL_ROLES)} THEN 'criminal'
                        WHEN rec.role IN {sql_in(WELFARE_ROLES)} THEN 'welfare'
                        WHEN rec.role IN {sql_in(DUTY_ROLES)} THEN 'duty'
                        ELSE 'other' END AS role_class
            FROM m JOIN raw_records rec ON rec.nominal_id = m.nominal_id
        )
        SELECT r.*,
               coalesce(
                   (SELECT min(h.history_id) FROM raw_declared_history h
                    WHERE r.role_class = 'criminal' AND h.staff_id = r.staff_id
                      AND h.offence_category = r.offence_category
                      AND abs(date_diff('day', TRY_CAST(h.offence_date AS DATE), r.record_date))
                          <= {cfg.known_matter_window_days}),
                   -- a live investigation of the same kind covers records from just before
                   -- it opened onward
                   (SELECT min(m.matter_id) FROM raw_open_matters m
                    WHERE r.role_class = 'criminal' AND m.staff_id = r.staff_id
                      AND m.offence_category = r.offence_category
                      AND r.record_date >= TRY_CAST(m.opened_date AS DATE)
                          - INTERVAL {cfg.known_matter_window_days} DAY)
               ) AS known_history_id
        FROM r
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE self_match_outcomes AS
        WITH m AS ({_MATCHED}),
        c AS (
            SELECT staff_id, nominal_id,
                count(*) FILTER (WHERE role_class = 'criminal' AND known_history_id IS NULL)
                    AS criminal_new,
                count(*) FILTER (WHERE role_class = 'criminal' AND known_history_id IS NOT NULL)
                    AS criminal_known,
                count(*) FILTER (WHERE role_class = 'welfare') AS welfare,
                count(*) FILTER (WHERE role_class = 'duty') AS duty,
                count(*) FILTER (WHERE role_class = 'other') AS other,
                list(DISTINCT offence_category ORDER BY offence_category)
                    FILTER (WHERE role_class = 'criminal' AND known_history_id IS NULL)
                    AS new_categories,
                list(DISTINCT business_area ORDER BY business_area)
                    FILTER (WHERE role_class = 'criminal' AND known_history_id IS NULL)
                    AS new_areas,
                list(DISTINCT role ORDER BY role) AS roles,
                list(DISTINCT business_area ORDER BY business_area) AS business_areas,
                min(record_date) AS first_record, max(record_date) AS last_record,
                list(DISTINCT known_history_id ORDER BY known_history_id)
                    FILTER (WHERE known_history_id IS NOT NULL) AS known_history_ids
            FROM record_classification GROUP BY ALL
        )
        SELECT m.*,
               coalesce(c.criminal_new, 0) AS criminal_new,
               coalesce(c.criminal_known, 0) AS criminal_known,
               coalesce(c.welfare, 0) AS welfare_records,
               coalesce(c.duty, 0) AS duty_records, coalesce(c.other, 0) AS other_records,
               coalesce(c.new_categories, []) AS new_categories,
               coalesce(c.new_areas, []) AS new_areas, c.roles, c.business_areas,
               c.first_record, c.last_record, c.known_history_ids,
               CASE WHEN coalesce(c.criminal_new, 0) > 0 THEN 'misconduct'
                    WHEN coalesce(c.welfare, 0) > 0 THEN 'welfare'
                    WHEN coalesce(c.criminal_known, 0) > 0 THEN 'excluded_known'
                    WHEN coalesce(c.duty, 0) > 0 THEN 'duty_only'
                    ELSE 'no_records' END AS outcome
        FROM m LEFT JOIN c USING (staff_id, nominal_id)
    """)


def _check_namesake_levels(cfg: FlagConfig) -> None:
    """The namesake levels are levels of the comparison spec."""
    for name in ("forename", "surname", "dob"):
        option = f"namesake_{name}_levels"
        check_levels(f"flags.{option}", name, getattr(cfg, option), MatchConfig())


def build_association_evidence(
    con: duckdb.DuckDBPyConnection, cfg: FlagConfig, run_date: date
) -> None:
    """``association_evidence``: one row per shared identifier or named association between a
    staff member and a criminal nominal, with its kind, date, frequency and suppression.
    Rows alike in all of these are one: an input row given twice (an export appended to
    yesterday's file, a phone listed twice by HR) is no second piece of evidence.

    Staff phones and vehicles carry no dates, so they count as held throughout employment:
    a nominal's use of the same number or vehicle overlaps when it ran on or after the staff
    member's start date."""
    _check_namesake_levels(cfg)
    rd = f"DATE '{run_date.isoformat()}'"
    cap = cfg.common_address_max_nominals
    freqs = ", ".join(
        f"{c}_freq AS (SELECT {c}, count(DISTINCT id) AS n FROM ({_held_by_staff(c)}) GROUP BY 1)"
        for c in _IDENTIFIERS
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE association_evidence AS
        WITH own AS (SELECT staff_id, nominal_id FROM ({_MATCHED})),
        staff_names AS (
            SELECT id AS staff_id, sn FROM l_names WHERE sn IS NOT NULL
        ),
        -- How many nominals share each identifier, counted only for those staff hold.
        {freqs},
        shared_addr AS (
            SELECT la.id AS staff_id, ra.id AS nominal_id,
                   greatest(la.date_from, ra.date_from) AS evidence_date, f.n AS shared_by
            FROM l_addr la
            JOIN r_addr ra ON ra.dwelling = la.dwelling AND NOT {floors_apart_sql("la.", "ra.")}
            JOIN dwelling_freq f ON f.dwelling = ra.dwelling
            WHERE (la.date_to IS NULL OR la.date_to >= {rd})
              AND ra.date_from <= {rd} AND coalesce(ra.date_to, {rd}) >= la.date_from
        ),
        -- A surname in common, looked up for the address-sharing pairs only (joining every
        -- staff member to every nominal of the same surname grows with both extracts).
        kin AS (
            SELECT DISTINCT p.staff_id, p.nominal_id
            FROM (SELECT DISTINCT staff_id, nominal_id FROM shared_addr) p
            JOIN staff_names s ON s.staff_id = p.staff_id
            JOIN r_names rn ON rn.id = p.nominal_id AND rn.sn = s.sn
        ),
        -- The staff member's own name, or nearly, and no date of birth saying otherwise:
        -- read from the pair's comparison, where blocking made it a candidate.
        namesake AS (
            SELECT DISTINCT p.staff_id, p.nominal_id
            FROM (SELECT DISTINCT staff_id, nominal_id FROM shared_addr) p
            JOIN scored_pairs s ON s.l_id = p.staff_id AND s.r_id = p.nominal_id
            WHERE s.forename_level IN {sql_in(cfg.namesake_forename_levels)}
              AND s.surname_level IN {sql_in(cfg.namesake_surname_levels)}
              AND s.dob_level IN {sql_in(cfg.namesake_dob_levels)}
        ),
        addr AS (
            SELECT a.staff_id, a.nominal_id,
                   CASE WHEN n.staff_id IS NOT NULL THEN 'namesake_at_address'
                        WHEN k.staff_id IS NOT NULL THEN 'relative_at_address'
                        ELSE 'address' END AS kind,
                   a.evidence_date, a.shared_by
            FROM shared_addr a LEFT JOIN kin k USING (staff_id, nominal_id)
            LEFT JOIN namesake n USING (staff_id, nominal_id)
        ),
        phone AS (
            SELECT lp.id, rp.id, 'phone', coalesce(rp.date_from, {rd}), f.n
            FROM l_phone lp JOIN r_phone rp ON rp.phone = lp.phone
            JOIN phone_freq f ON f.phone = rp.phone
            JOIN raw_staff st ON st.staff_id = lp.id
            WHERE coalesce(rp.date_to, {rd}) >= TRY_CAST(st.start_date AS DATE)
        ),
        vehicle AS (
            SELECT lv.id, rv.id, 'vehicle', coalesce(rv.date_from, {rd}), f.n
            FROM l_vehicle lv JOIN r_vehicle rv ON rv.vrm = lv.vrm
            JOIN vrm_freq f ON f.vrm = rv.vrm
            JOIN raw_staff st ON st.staff_id = lv.id
            WHERE coalesce(rv.date_to, {rd}) >= TRY_CAST(st.start_date AS DATE)
        ),
        -- Two equality joins, not one join on IN: a join on IN compares every matched
        -- nominal with every association.
        named AS (
            SELECT o.staff_id, a.nominal_id_b, 'named_associate',
                   TRY_CAST(a.date_from AS DATE), 1
            FROM own o JOIN raw_associations a ON a.nominal_id_a = o.nominal_id
            UNION ALL
            SELECT o.staff_id, a.nominal_id_a, 'named_associate',
                   TRY_CAST(a.date_from AS DATE), 1
            FROM own o JOIN raw_associations a ON a.nominal_id_b = o.nominal_id
        ),
        ev AS (
            SELECT * FROM addr UNION ALL SELECT * FROM phone
            UNION ALL SELECT * FROM vehicle UNION ALL SELECT * FROM named
        )
        SELECT DISTINCT ev.staff_id, ev.nominal_id, ev.kind, ev.evidence_date, ev.shared_by,
               ev.kind <> 'named_associate' AND ev.shared_by > {cap} AS suppressed
        FROM ev
        JOIN criminal_nominals cn ON cn.nominal_id = ev.nominal_id
        WHERE NOT EXISTS (SELECT 1 FROM own o
                          WHERE o.staff_id = ev.staff_id AND o.nominal_id = ev.nominal_id)
    """)


def build_declared_matches(con: duckdb.DuckDBPyConnection) -> None:
    """``declared_matches``: (staff, nominal) pairs where the nominal is a person the staff
    member declared on the associations register (same folded surname, compatible forename,
    and the same date of birth where both are known): the earliest declared date, and the
    first declaration whose date is unknown (blanked by the loader: invalid or missing; a
    quarantine line says which rule), if any."""
    register_functions(con)
    con.execute(f"""
        CREATE OR REPLACE TABLE declared_matches AS
        WITH d AS (
            SELECT declaration_id, staff_id,
                   {compact_sql(fold_sql("assoc_surname", surname=True))} AS sn,
                   split_part({fold_sql("assoc_forenames")}, ' ', 1) AS fn,
                   TRY_CAST(assoc_date_of_birth AS DATE) AS dob,
                   TRY_CAST(declared_date AS DATE) AS declared_date, relationship
            FROM raw_declared_associations
        ),
        pairs AS (SELECT DISTINCT staff_id, nominal_id FROM association_evidence)
        SELECT p.staff_id, p.nominal_id, min(d.declared_date) AS declared_date,
               coalesce(arg_min(d.declaration_id, d.declared_date), min(d.declaration_id))
                   AS declaration_id,
               any_value(d.relationship) AS relationship,
               min(d.declaration_id) FILTER (WHERE d.declared_date IS NULL)
                   AS undated_declaration_id
        FROM pairs p
        JOIN d ON d.staff_id = p.staff_id
        JOIN r_names rn ON rn.id = p.nominal_id AND rn.sn = d.sn
        LEFT JOIN r_person rp ON rp.id = p.nominal_id
        WHERE (rn.fn = d.fn OR left(rn.fn, 1) = left(d.fn, 1)
               OR EXISTS (SELECT 1 FROM nick a JOIN nick b ON a.canon = b.canon
                          WHERE a.name = rn.fn AND b.name = d.fn))
          AND (d.dob IS NULL OR rp.dob IS NULL OR d.dob = rp.dob)
        GROUP BY ALL
    """)


# What the identity rests on, field by field, for the person who triages a self match (a
# review-band match is confirmed by a person first): each comparison's level, e.g.
# "forename exact, ..., address different, phone missing". Levels name no personal data.
_IDENTITY_FIELDS = (
    ("forename", "forename"),
    ("surname", "surname"),
    ("date of birth", "dob"),
    ("sex", "sex"),
    ("address", "address"),
    ("phone", "phone"),
)
_IDENTITY_LEVELS_SQL = (
    "concat_ws(', ', "
    + ", ".join(f"'{label} ' || p.{col}_level" for label, col in _IDENTITY_FIELDS)
    + ")"
)


def build_flags(
    con: duckdb.DuckDBPyConnection, cfg: FlagConfig, run_id: str, run_date: date
) -> None:
    """``flags`` (what DPS triages) and ``exclusions`` (what was not raised, and why)."""
    weights = cfg.evidence_weight
    weight_case = " ".join(f"WHEN '{k}' THEN {v!r}" for k, v in weights.items())
    con.execute(f"""
        CREATE OR REPLACE TABLE association_candidates AS
        WITH e AS (
            SELECT staff_id, nominal_id,
                   list(DISTINCT kind ORDER BY kind) AS evidence_kinds,
                   min(evidence_date) AS evidence_date,
                   max(shared_by) AS max_shared_by,
                   sum(DISTINCT CASE kind {weight_case} ELSE 1.0 END) AS strength
            FROM association_evidence WHERE NOT suppressed GROUP BY ALL
        )
        SELECT e.*, dm.declared_date, dm.declaration_id, dm.undated_declaration_id,
               CASE WHEN dm.declared_date <= e.evidence_date THEN 'declared_before_evidence'
                    WHEN dm.undated_declaration_id IS NOT NULL THEN 'declared_date_unknown'
                    END AS declared_reason,
               CASE WHEN declared_reason IS NOT NULL
                    THEN 'excluded_declared' ELSE 'association' END AS outcome,
               declared_reason IS NULL AND dm.declared_date > e.evidence_date AS declared_late
        FROM e LEFT JOIN declared_matches dm USING (staff_id, nominal_id)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE flags AS
        WITH selfm AS (
            SELECT staff_id, nominal_id, outcome AS flag_kind,
                   CASE outcome WHEN 'misconduct' THEN 'dps_misconduct_triage'
                                ELSE 'welfare_support' END AS route,
                   CASE WHEN outcome = 'welfare' THEN 'welfare'
                        ELSE {_severity_sql("list_concat(new_categories, new_areas, coalesce(cn.markers, []))", cfg)}
                   END AS severity,
                   s.match_probability AS score, s.band AS identity_band, s.match_weight,
                   roles AS evidence, business_areas, first_record AS evidence_from,
                   last_record AS evidence_to, criminal_new + welfare_records AS record_count,
                   'identity ' || s.band || ' (weight ' || round(s.match_weight, 1) || ': '
                     || {_IDENTITY_LEVELS_SQL} || '); roles: '
                     || array_to_string(roles, ', ') || '; areas: '
                     || array_to_string(business_areas, ', ')
                     || CASE WHEN len(new_categories) > 0
                             THEN '; categories: ' || array_to_string(new_categories, ', ')
                             ELSE '' END
                     || CASE WHEN len(coalesce(cn.markers, [])) > 0
                             THEN '; markers: ' || array_to_string(cn.markers, ', ') ELSE '' END
                     AS evidence_summary
            FROM self_match_outcomes s LEFT JOIN criminal_nominals cn USING (nominal_id)
            JOIN scored_pairs p ON p.l_id = s.staff_id AND p.r_id = s.nominal_id
            WHERE outcome IN ('misconduct', 'welfare')
        ),
        assoc AS (
            SELECT a.staff_id, a.nominal_id, 'association' AS flag_kind,
                   'dps_association_triage' AS route, cn.severity,
                   a.strength AS score, NULL AS identity_band, NULL::DOUBLE AS match_weight,
                   a.evidence_kinds AS evidence, cn.categories AS business_areas,
                   a.evidence_date AS evidence_from, cn.latest_record AS evidence_to,
                   cn.criminal_records AS record_count,
                   'shared: ' || array_to_string(a.evidence_kinds, ', ')
                     || ' since ' || coalesce(a.evidence_date::VARCHAR, 'unknown')
                     || '; nominal has ' || cn.criminal_records || ' suspect/offender records'
                     || CASE WHEN len(cn.categories) > 0
                             THEN ' (' || array_to_string(cn.categories, ', ') || ')' ELSE '' END
                     || CASE WHEN len(cn.markers) > 0
                             THEN '; markers: ' || array_to_string(cn.markers, ', ') ELSE '' END
                     || CASE WHEN a.declared_late THEN '; declared only after the evidence date'
                             ELSE '' END AS evidence_summary
            FROM association_candidates a JOIN criminal_nominals cn USING (nominal_id)
            WHERE a.outcome = 'association'
        ),
        allf AS (
            SELECT * FROM selfm
            UNION ALL BY NAME
            SELECT * FROM assoc
        )
        SELECT 'F' || left(sha256(staff_id || '|' || nominal_id || '|' || flag_kind), 16)
                   AS flag_id,
               '{run_id}' AS run_id, staff_id, nominal_id, flag_kind, route, severity,
               round(score, 4) AS score, identity_band, round(match_weight, 2) AS match_weight,
               evidence, business_areas, evidence_from, evidence_to, record_count,
               evidence_summary
        FROM allf
        ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2
                 ELSE 3 END, flag_kind, staff_id, nominal_id
    """)
    con.execute("""
        CREATE OR REPLACE TABLE exclusions AS
        SELECT staff_id, nominal_id, 'self_match' AS kind, 'known_matter' AS reason,
               'criminal records match known matters (declared history or open case): '
                   || array_to_string(known_history_ids, ', ')
                   AS detail
        FROM self_match_outcomes WHERE criminal_known > 0 AND criminal_new = 0
        UNION ALL
        SELECT staff_id, nominal_id, 'association', declared_reason,
               CASE declared_reason
                   WHEN 'declared_before_evidence'
                   THEN 'declaration ' || declaration_id || ' on ' || declared_date
                   ELSE 'declaration ' || undated_declaration_id
                        || ' has no valid declared date (see quarantine): '
                        || 'not checked against the evidence date'
               END
        FROM association_candidates WHERE outcome = 'excluded_declared'
        UNION ALL
        SELECT staff_id, nominal_id, 'association', 'common_' || kind,
               kind || ' shared by ' || max(shared_by) || ' nominals'
        FROM association_evidence WHERE suppressed GROUP BY staff_id, nominal_id, kind
    """)


def classify(
    con: duckdb.DuckDBPyConnection,
    cfg: FlagConfig,
    run_id: str,
    run_date: date,
) -> None:
    """Build every flag table from ``scored_pairs`` and the raw intelligence tables."""
    build_criminal_nominals(con, cfg)
    build_self_match_outcomes(con, cfg, run_date)
    build_association_evidence(con, cfg, run_date)
    build_declared_matches(con)
    build_flags(con, cfg, run_id, run_date)
