"""The input contract: every table Sweep reads, its columns, and the values it allows.

One place that the generator writes to, the loader checks against, the Great Expectations
suites are built from, and the matcher reads. Every column arrives as text (CSV or Parquet);
dates are ISO ``YYYY-MM-DD``; multi-valued fields (previous surnames) are ``|``-separated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERSON_TYPES = ("officer", "staff", "pcso", "special", "volunteer")
SEXES = ("M", "F", "U")
# Words systems write for those codes (Male / Female / Unknown as a workforce system shows
# them), read as the code by the loader (``validate._canonical_enums``); keys upper case.
SEX_WORDS = {
    "MALE": "M",
    "MAN": "M",
    "FEMALE": "F",
    "WOMAN": "F",
    "UNKNOWN": "U",
    "NOT KNOWN": "U",
    "NOT STATED": "U",
    "NOT RECORDED": "U",
}
VETTING_LEVELS = ("RV", "MV", "NPPV1", "NPPV2", "NPPV3")
VETTING_STATUSES = ("granted", "granted_with_risk_mitigation", "under_review", "withdrawn")
PHONE_TYPES = ("mobile", "home", "work")
DISPOSALS = ("conviction", "caution")
OFFENCE_CATEGORIES = (
    "violence",
    "sexual",
    "domestic_abuse",
    "drugs",
    "weapons",
    "dishonesty",
    "traffic",
    "public_order",
    "criminal_damage",
    "organised_crime",
    "corruption",
    "other",
)
RELATIONSHIPS = ("spouse", "partner", "parent", "child", "sibling", "relative", "friend", "other")
ALIAS_TYPES = ("alias", "nickname", "previous_surname", "alternative_dob")
VEHICLE_ROLES = ("owner", "driver", "passenger")
MARKERS = ("violence", "weapons", "drugs", "sexual_offences", "domestic_abuse", "ocg")
BUSINESS_AREAS = ("intelligence", "crime", "custody", "child_protection", "domestic_abuse")
ROLES = (
    "suspect",
    "offender",
    "victim",
    "witness",
    "reporting_officer",
    "attending_officer",
    "other",
)
OUTCOMES = (
    "charged",
    "convicted",
    "cautioned",
    "no_further_action",
    "under_investigation",
    "intelligence_only",
    "not_applicable",
)
ASSOCIATION_TYPES = ("associate", "family", "co_accused", "gang_member")
# Professional-standards outcomes recorded against a staff member. The first five trigger
# re-vetting (Operation Assure); the last two do not.
MISCONDUCT_OUTCOMES = (
    "written_warning",
    "final_written_warning",
    "reduction_in_rank",
    "criminal_investigation_concluded",
    "adverse_information",
    "management_advice",
    "no_case_to_answer",
)
REVETTING_TRIGGERS = MISCONDUCT_OUTCOMES[:5]

# Roles that make a record count against the nominal, or for their welfare, or neither.
CRIMINAL_ROLES = ("suspect", "offender")
WELFARE_ROLES = ("victim", "witness")
DUTY_ROLES = ("reporting_officer", "attending_officer")


@dataclass(frozen=True)
class Column:
    """One input column: whether it may be empty, and what kind of value it holds."""

    name: str
    required: bool = True  # False: the column must exist but a value may be empty
    # text | id | date | dob | postcode | area_postcode (or its outward code alone) | phone |
    # vrm | collar | enum | bool
    kind: str = "text"
    allowed: tuple[str, ...] = ()
    unique: bool = False
    pii: bool = False  # never logged, never in an exception message
    # A value breaking a rule is blanked and the row kept (a quarantine line with action
    # ``value_blanked``), instead of setting the whole row aside. Only for a column that
    # nothing matches or joins on (never an id), whose fault would otherwise cost more than
    # the value: a person out of screening for a cosmetic fault (collar_number), or a
    # declared association raised as undeclared for a bad date (declared_date, which
    # flags.py reads as "declared, date unknown"; assoc_date_of_birth, read as a declaration
    # with no date of birth is: the associate matched on names among the nominals already
    # linked to that staff member), or a nominal set aside with all their records for a
    # date of birth that only says "not known" (0001-01-01, 1753-01-01). On a required
    # column a missing value is reported the same way (not_null, value_blanked) and the row
    # kept.
    blank_if_invalid: bool = False
    # A date that may lie after the run date: a renewal due, or the end of an address, phone
    # or vehicle still to come (flags.py counts a date_to on or after the run date as current).
    # Every other date records an event and is quarantined (not_future) when later.
    may_be_future: bool = False
    # A date of birth that must make the person at least validation.min_age_years old on the
    # run date: the workforce's. Any other (a nominal, an alias, a declared associate) may be
    # a child's (child protection victims; offenders from ten) and is only not after the run
    # date.
    workforce_age: bool = False

    def __post_init__(self) -> None:
        if self.blank_if_invalid and (self.unique or self.kind == "id"):
            raise ValueError(f"{self.name}: only a non-key column may be blanked")


@dataclass(frozen=True)
class Table:
    """One input table (one file) of an extract."""

    name: str
    extract: str  # "staff" or "intel"
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None  # (column, "table.column") that must exist
    optional: bool = False  # an extract may omit the file entirely
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, kind: str = "text", **kw: object) -> Column:
    return Column(name=name, kind=kind, **kw)  # type: ignore[arg-type]


STAFF = Table(
    name="staff",
    extract="staff",
    description="HR extract: one row per officer or member of staff.",
    key=("staff_id",),
    columns=(
        _c("staff_id", "id", unique=True),
        _c("collar_number", "collar", required=False, blank_if_invalid=True),
        _c("person_type", "enum", allowed=PERSON_TYPES),
        _c("rank_grade"),
        _c("unit"),
        _c("start_date", "date"),
        _c("surname", pii=True),
        _c("forenames", pii=True),
        _c("previous_surnames", required=False, pii=True),
        _c("date_of_birth", "dob", pii=True, workforce_age=True),
        _c("sex", "enum", allowed=SEXES),
        _c("vetting_level", "enum", allowed=VETTING_LEVELS),
        _c("vetting_cleared_date", "date"),
        _c("vetting_renewal_date", "date", may_be_future=True),
        _c("vetting_status", "enum", allowed=VETTING_STATUSES),
        _c("designated_post", "bool", allowed=("true", "false")),
    ),
)

STAFF_ADDRESSES = Table(
    name="staff_addresses",
    extract="staff",
    description="Address history of each staff member; an empty date_to is the current address.",
    parent=("staff_id", "staff.staff_id"),
    columns=(
        _c("staff_id", "id"),
        _c("address_line", pii=True),
        _c("postcode", "postcode", pii=True),
        _c("date_from", "date"),
        _c("date_to", "date", required=False, may_be_future=True),
    ),
)

STAFF_PHONES = Table(
    name="staff_phones",
    extract="staff",
    parent=("staff_id", "staff.staff_id"),
    columns=(
        _c("staff_id", "id"),
        _c("phone", "phone", pii=True),
        _c("phone_type", "enum", allowed=PHONE_TYPES),
    ),
)

STAFF_VEHICLES = Table(
    name="staff_vehicles",
    extract="staff",
    parent=("staff_id", "staff.staff_id"),
    columns=(_c("staff_id", "id"), _c("vrm", "vrm", pii=True)),
)

DECLARED_ASSOCIATIONS = Table(
    name="declared_associations",
    extract="staff",
    description="The notifiable associations register.",
    key=("declaration_id",),
    parent=("staff_id", "staff.staff_id"),
    columns=(
        _c("declaration_id", "id", unique=True),
        _c("staff_id", "id"),
        _c("assoc_surname", pii=True),
        _c("assoc_forenames", pii=True),
        _c("assoc_date_of_birth", "dob", required=False, pii=True, blank_if_invalid=True),
        _c("relationship", "enum", allowed=RELATIONSHIPS),
        _c("declared_date", "date", blank_if_invalid=True),
    ),
)

DECLARED_HISTORY = Table(
    name="declared_history",
    extract="staff",
    description="Convictions and cautions the force already knows about.",
    key=("history_id",),
    parent=("staff_id", "staff.staff_id"),
    columns=(
        _c("history_id", "id", unique=True),
        _c("staff_id", "id"),
        _c("disposal", "enum", allowed=DISPOSALS),
        _c("offence_category", "enum", allowed=OFFENCE_CATEGORIES),
        _c("offence_date", "date"),
        _c("sentence", required=False),
    ),
)

MISCONDUCT_OUTCOMES_TABLE = Table(
    name="misconduct_outcomes",
    extract="staff",
    description=(
        "Professional-standards outcomes (misconduct outcomes, concluded criminal "
        "investigations, adverse information reaching DPS). Optional: older extracts lack it."
    ),
    key=("outcome_id",),
    parent=("staff_id", "staff.staff_id"),
    optional=True,
    columns=(
        _c("outcome_id", "id", unique=True),
        _c("staff_id", "id"),
        _c("outcome", "enum", allowed=MISCONDUCT_OUTCOMES),
        _c("outcome_date", "date"),
    ),
)

OPEN_MATTER_TYPES = ("misconduct_investigation", "criminal_investigation", "vetting_review")

OPEN_MATTERS_TABLE = Table(
    name="open_matters",
    extract="staff",
    description=(
        "Matters professional standards already has open on a staff member (live "
        "investigations). Optional: an extract may not have it."
    ),
    key=("matter_id",),
    parent=("staff_id", "staff.staff_id"),
    optional=True,
    columns=(
        _c("matter_id", "id", unique=True),
        _c("staff_id", "id"),
        _c("matter_type", "enum", allowed=OPEN_MATTER_TYPES),
        _c("offence_category", "enum", allowed=OFFENCE_CATEGORIES),
        _c("opened_date", "date"),
    ),
)

NOMINALS = Table(
    name="nominals",
    extract="intel",
    description="Intelligence nominals (persons).",
    key=("nominal_id",),
    columns=(
        _c("nominal_id", "id", unique=True),
        _c("surname", pii=True),
        _c("forenames", pii=True),
        # blanked when invalid: a nominal kept with no date of birth is still matched on
        # names, addresses, phones and vehicles; set aside, it took its records with it
        _c("date_of_birth", "dob", required=False, pii=True, blank_if_invalid=True),
        _c("sex", "enum", allowed=SEXES),
    ),
)

ALIASES = Table(
    name="aliases",
    extract="intel",
    key=("alias_id",),
    parent=("nominal_id", "nominals.nominal_id"),
    columns=(
        _c("alias_id", "id", unique=True),
        _c("nominal_id", "id"),
        _c("alias_type", "enum", allowed=ALIAS_TYPES),
        _c("surname", required=False, pii=True),
        _c("forenames", required=False, pii=True),
        _c("date_of_birth", "dob", required=False, pii=True),
    ),
)

INTEL_ADDRESSES = Table(
    name="addresses",
    extract="intel",
    parent=("nominal_id", "nominals.nominal_id"),
    columns=(
        _c("nominal_id", "id"),
        _c("address_line", pii=True),
        _c("postcode", "area_postcode", pii=True),
        _c("date_from", "date"),
        _c("date_to", "date", required=False, may_be_future=True),
    ),
)

INTEL_PHONES = Table(
    name="phones",
    extract="intel",
    parent=("nominal_id", "nominals.nominal_id"),
    columns=(
        _c("nominal_id", "id"),
        _c("phone", "phone", pii=True),
        _c("date_from", "date"),
        _c("date_to", "date", required=False, may_be_future=True),
    ),
)

INTEL_VEHICLES = Table(
    name="vehicles",
    extract="intel",
    parent=("nominal_id", "nominals.nominal_id"),
    columns=(
        _c("nominal_id", "id"),
        _c("vrm", "vrm", pii=True),
        _c("role", "enum", allowed=VEHICLE_ROLES),
        _c("date_from", "date"),
        _c("date_to", "date", required=False, may_be_future=True),
    ),
)

MARKERS_TABLE = Table(
    name="markers",
    extract="intel",
    parent=("nominal_id", "nominals.nominal_id"),
    columns=(
        _c("nominal_id", "id"),
        _c("marker", "enum", allowed=MARKERS),
        _c("date_added", "date"),
    ),
)

RECORDS = Table(
    name="records",
    extract="intel",
    description="A nominal's appearance on an intelligence, crime, custody or other record.",
    key=("record_id",),
    parent=("nominal_id", "nominals.nominal_id"),
    columns=(
        _c("record_id", "id", unique=True),
        _c("nominal_id", "id"),
        _c("business_area", "enum", allowed=BUSINESS_AREAS),
        _c("record_date", "date"),
        _c("source_force"),
        _c("grading", required=False),
        _c("role", "enum", allowed=ROLES),
        _c("offence_category", "enum", allowed=OFFENCE_CATEGORIES),
        _c("outcome", "enum", allowed=OUTCOMES),
    ),
)

ASSOCIATIONS = Table(
    name="associations",
    extract="intel",
    parent=("nominal_id_a", "nominals.nominal_id"),
    extra={"second_parent": "nominal_id_b"},
    columns=(
        _c("nominal_id_a", "id"),
        _c("nominal_id_b", "id"),
        _c("association_type", "enum", allowed=ASSOCIATION_TYPES),
        _c("date_from", "date"),
    ),
)

STAFF_TABLES: tuple[Table, ...] = (
    STAFF,
    STAFF_ADDRESSES,
    STAFF_PHONES,
    STAFF_VEHICLES,
    DECLARED_ASSOCIATIONS,
    DECLARED_HISTORY,
    MISCONDUCT_OUTCOMES_TABLE,
    OPEN_MATTERS_TABLE,
)
INTEL_TABLES: tuple[Table, ...] = (
    NOMINALS,
    ALIASES,
    INTEL_ADDRESSES,
    INTEL_PHONES,
    INTEL_VEHICLES,
    MARKERS_TABLE,
    RECORDS,
    ASSOCIATIONS,
)
ALL_TABLES: tuple[Table, ...] = STAFF_TABLES + INTEL_TABLES
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in ALL_TABLES}

# The truth file the generator writes beside (never inside) the extracts.
TRUTH_COLUMNS = ("case_id", "staff_id", "nominal_id", "kind", "expected_flag", "noise")

# What each kind of planted case should produce. The pipeline never reads the truth file;
# evaluation compares the published flags against it.
TRUTH_KINDS: dict[str, str] = {
    "self_criminal": "misconduct",  # staff member is a nominal, suspect/offender on a record
    "self_welfare": "welfare",  # staff member is a nominal only as victim or witness
    "self_duty_only": "none",  # a nominal only as reporting/attending officer: matched, no flag
    "self_known": "excluded_known",  # criminal record matches their declared history
    "assoc_address": "association",  # shares current address with a criminal nominal
    "assoc_phone": "association",
    "assoc_vehicle": "association",
    "assoc_named": "association",  # staff member's nominal is an associate of a criminal
    "assoc_relative_undeclared": "association",  # criminal relative at same address, undeclared
    "assoc_declared": "excluded_declared",  # association declared on the register beforehand
    "assoc_relative_declared": "excluded_declared",
    "assoc_common_address": "suppressed_common",  # hostel / section house / block, many nominals
    "hard_negative_name_dob": "none",  # a different person with the same name and date of birth
}
