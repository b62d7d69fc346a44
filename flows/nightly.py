"""The nightly screening flow: load -> validate -> normalise and block -> compare and score ->
classify flags -> re-vetting referrals -> progress -> publish. Each task opens the run's working
DuckDB and calls pure functions in ``transforms``; nothing here holds domain logic."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact
from prefect.cache_policies import NO_CACHE

from transforms import flags as flag_rules
from transforms import lifecycle
from transforms import progress as prog
from transforms.batching import restrict_to_batch, select_batch
from transforms.blocking import capped_warning
from transforms.config import SweepConfig
from transforms.fellegi_sunter import Model, training_warning
from transforms.handoff import write_handoff
from transforms.linkage import block, compare_and_score
from transforms.load import find_table_file, load_extract
from transforms.publish import (
    OutputError,
    check_output,
    publish_database,
    read_previous,
    unreported_message,
)
from transforms.report import write_published_report
from transforms.revetting import revetting_referrals
from transforms.runlog import (
    StageTimer,
    append_rows,
    disclosure_row,
    extract_fingerprints,
    input_hashes,
    new_run_id,
    unchanged_extracts,
    warnings_frame,
    who_and_where,
)
from transforms.schema import INTEL_TABLES, STAFF_TABLES
from transforms.sources import create_source_views, load_frames
from transforms.validate import (
    check_quarantine_share,
    quarantine_share_warnings,
    validate_extract,
)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"

# Tables copied from the working database; the run's own frames (flags, flag_history, runs,
# disclosures, input_files, row_counts, row_counts_history, quarantine, blocking_report,
# model_weights, progress_history, screening_ledger, run_warnings; stage_timings last, to
# hold publishing's own time) are published beside them.
PUBLISHED_TABLES = [
    "candidate_matches",
    "self_match_outcomes",
    "association_evidence",
    "exclusions",
    "revetting_referrals",
]
DISCLOSURE_PURPOSE = "workforce integrity screening: flags for DPS triage"


@dataclass
class RunContext:
    run_id: str
    run_date: str
    out_dir: Path
    work_db: Path


def _connect(ctx: RunContext, cfg: SweepConfig) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(ctx.work_db))
    con.execute(f"SET memory_limit = '{cfg.engine.memory_limit}'")
    con.execute(f"SET threads = {cfg.engine.threads}")
    # DuckDB draws a bar on the terminal for a statement over 2 s; in a nightly run it only
    # fills the log
    con.execute("SET enable_progress_bar = false")
    return con


@task(cache_policy=NO_CACHE)
def load_and_validate(staff_dir: Path, intel_dir: Path, cfg: SweepConfig, ctx: RunContext):
    """Read both extracts (structural problems stop the run), quarantine bad rows (a table
    mostly quarantined stops the run too), and load the accepted rows into the working
    database. Only the staff side's frames are returned: the intelligence extract's
    (millions of rows) are released here, not held by the flow. With them: the input files'
    hashes, each extract's fingerprint, and the run's warnings so far as (kind, subject,
    message): an extract byte-identical to the last published run's, a table that lost a
    large share of its rows to quarantine."""
    logger = get_run_logger()
    tables = STAFF_TABLES + INTEL_TABLES
    frames = {**load_extract(staff_dir, STAFF_TABLES), **load_extract(intel_dir, INTEL_TABLES)}
    files = {
        t.name: find_table_file(staff_dir if t.extract == "staff" else intel_dir, t)
        for t in tables
        if t.name in frames
    }
    result = validate_extract(
        frames,
        tables,
        cfg.validation,
        cfg.effective_run_date(),
        {k: str(v) for k, v in files.items()},
    )
    del frames
    # before anything is matched or published: a table gutted by quarantine stops the run
    check_quarantine_share(result, cfg.validation)
    hashes = input_hashes(files)
    fingerprints = extract_fingerprints(hashes)
    warnings = unchanged_extracts(
        fingerprints, read_previous(ctx.out_dir, "runs"), read_previous(ctx.out_dir, "input_files")
    ) + quarantine_share_warnings(result, cfg.validation)
    ledger = read_previous(ctx.out_dir, "screening_ledger")
    batch = select_batch(
        result.accepted["staff"], ledger, cfg.campaign.batch_size, cfg.campaign.batch_priority
    )
    staff_tables = tuple(t.name for t in STAFF_TABLES)
    accepted = restrict_to_batch(result.accepted, batch["staff_id"], staff_tables)
    with _connect(ctx, cfg) as con:
        load_frames(con, accepted)
    result = dataclasses.replace(
        result,
        tables={},
        accepted={name: frame for name, frame in accepted.items() if name in staff_tables},
    )
    del accepted
    logger.info("screening %d staff tonight", len(batch))
    for row in result.counts.itertuples():
        logger.info(
            "%s: read %d, accepted %d, quarantined %d",
            row.table,
            row.rows_read,
            row.rows_accepted,
            row.rows_quarantined,
        )
    for _, _, message in warnings:
        logger.warning(message)
    return result, hashes, fingerprints, warnings


@task(cache_policy=NO_CACHE)
def normalise_and_block(cfg: SweepConfig, ctx: RunContext):
    """Normalise both sides of the working database and block."""
    with _connect(ctx, cfg) as con:
        create_source_views(con)
        report = block(con, cfg)
    logger = get_run_logger()
    logger.info(
        "candidate pairs by rule: %s", dict(zip(report["rule"], report["pairs"], strict=True))
    )
    if note := capped_warning(report, cfg.blocking):
        logger.warning(note)
    return report


@task(cache_policy=NO_CACHE)
def compare_and_score_pairs(cfg: SweepConfig, ctx: RunContext, model_path: Path | None) -> Model:
    model = Model.load(model_path) if model_path else None
    with _connect(ctx, cfg) as con:
        model = compare_and_score(con, cfg, model)
        bands = dict(con.execute("SELECT band, count(*) FROM scored_pairs GROUP BY 1").fetchall())
    logger = get_run_logger()
    logger.info("scored pairs by band: %s", bands)
    if model_path is None and (note := training_warning(model)):
        logger.warning(note)
    return model


@task(cache_policy=NO_CACHE)
def classify_flags(cfg: SweepConfig, ctx: RunContext) -> pd.DataFrame:
    with _connect(ctx, cfg) as con:
        flag_rules.classify(con, cfg.flags, ctx.run_id, cfg.effective_run_date())
        flags = con.execute("SELECT * FROM flags").df()
    get_run_logger().info("flags by kind: %s", flags["flag_kind"].value_counts().to_dict())
    return flags


@task(cache_policy=NO_CACHE)
def refer_for_revetting(
    accepted: dict[str, pd.DataFrame], cfg: SweepConfig, ctx: RunContext
) -> pd.DataFrame:
    """Operation Assure: a vetting-review referral for each of tonight's staff with a recent
    re-vetting trigger in the misconduct_outcomes extract (none when the extract lacks it)."""
    logger = get_run_logger()
    outcomes = accepted.get("misconduct_outcomes")
    if outcomes is None:
        logger.info("misconduct_outcomes not in this extract: no re-vetting referrals")
    referrals = revetting_referrals(
        outcomes, accepted["staff"], cfg.effective_run_date(), cfg.flags
    )
    logger.info(
        "re-vetting referrals: %d (skipped, vetting already withdrawn: %d)",
        len(referrals),
        referrals.attrs.get("skipped_withdrawn", 0),
    )
    referrals.insert(1, "run_id", ctx.run_id)
    return referrals


@task(cache_policy=NO_CACHE)
def track_lifecycle(
    flags: pd.DataFrame, screened: pd.Series, ctx: RunContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status of each flag against the last run and DPS's decisions; the history rows."""
    store = ctx.out_dir / "state" / "dispositions.parquet"
    decisions = pd.DataFrame()
    if store.exists():
        from transforms.dispositions import current_decisions

        decisions = current_decisions(store)
    earlier = read_previous(ctx.out_dir, "flag_history")
    flags, rows = lifecycle.apply_lifecycle(
        flags,
        read_previous(ctx.out_dir, "flags"),
        decisions,
        ctx.run_id,
        set(screened),
        earlier=earlier,
    )
    history = append_rows(earlier, rows, "run_id")
    get_run_logger().info("flags by status: %s", rows["status"].value_counts().to_dict())
    return flags, history


@task(cache_policy=NO_CACHE)
def measure_progress(
    accepted_staff: pd.DataFrame,
    counts: pd.DataFrame,
    flags: pd.DataFrame,
    cfg: SweepConfig,
    ctx: RunContext,
) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    run_date = cfg.effective_run_date()
    ledger = prog.update_ledger(
        read_previous(ctx.out_dir, "screening_ledger"),
        accepted_staff["staff_id"],
        ctx.run_id,
        run_date,
    )
    history = read_previous(ctx.out_dir, "progress_history")
    row = prog.progress_row(
        history,
        ledger,
        lifecycle.open_flags(flags),
        len(accepted_staff),
        ctx.run_id,
        run_date,
        cfg.campaign,
        workforce=prog.workforce_size(counts),
    )
    return row, prog.append_history(history, row), ledger


@task(cache_policy=NO_CACHE)
def publish(
    ctx: RunContext,
    cfg: SweepConfig,
    frames: dict[str, pd.DataFrame],
    flags: pd.DataFrame,
    referrals: pd.DataFrame,
    recipient: str,
    fingerprints: dict[str, str],
    timer: StageTimer,
) -> dict[str, str]:
    """Write the DPS handoff (flags and re-vetting referrals, the run's warnings and the
    extracts' fingerprints in its manifest), log its disclosure, then publish DuckDB
    atomically, its stage timings last: publishing's own time up to that write included."""
    who = who_and_where()
    with _connect(ctx, cfg) as con:
        staff = con.execute(
            "SELECT staff_id, collar_number, person_type, unit, vetting_level FROM raw_staff"
        ).df()
    handoff_dir, manifest = write_handoff(
        lifecycle.open_flags(flags).merge(staff, on="staff_id", how="left"),
        ctx.out_dir,
        ctx.run_id,
        recipient,
        extra={"revetting": referrals},
        warnings=list(frames["run_warnings"]["message"]),
        inputs=fingerprints,
    )
    frames = {
        **frames,
        "flags": flags,
        "staff_directory": append_rows(
            read_previous(ctx.out_dir, "staff_directory"),
            staff.assign(last_screened_run=ctx.run_id),
            "staff_id",
            ignore_case=True,  # one row per person, as the ledger: "s000012" is "S000012"
        ),
        "runs": append_rows(read_previous(ctx.out_dir, "runs"), frames["runs"], "run_id"),
        "run_warnings": append_rows(
            read_previous(ctx.out_dir, "run_warnings"), frames["run_warnings"], "run_id"
        ),
        "row_counts_history": append_rows(
            read_previous(ctx.out_dir, "row_counts_history"),
            frames["row_counts"].assign(run_id=ctx.run_id, run_date=ctx.run_date)[
                ["run_id", "run_date", *frames["row_counts"].columns]
            ],
            "run_id",
        ),
        "disclosures": append_rows(
            read_previous(ctx.out_dir, "disclosures"),
            disclosure_row(manifest, str(handoff_dir), DISCLOSURE_PURPOSE, who),
            "run_id",
        ),
    }
    with _connect(ctx, cfg) as con:
        con.execute("""CREATE OR REPLACE TABLE candidate_matches AS
                       SELECT l_id AS staff_id, r_id AS nominal_id, * EXCLUDE (l_id, r_id)
                       FROM scored_pairs""")
        con.register("_referrals", referrals)
        con.execute("""CREATE OR REPLACE TABLE revetting_referrals AS
                       SELECT * REPLACE (CAST(triggers AS VARCHAR[]) AS triggers)
                       FROM _referrals""")
        con.unregister("_referrals")
        db = publish_database(
            con,
            ctx.out_dir,
            PUBLISHED_TABLES,
            ctx.run_id,
            frames=frames,
            last={"stage_timings": lambda: timer.frame(unfinished=True)},
        )
    return {"database": str(db), "handoff": str(handoff_dir)}


@flow(name="nightly-screening", log_prints=False)
def nightly_screening(
    staff_dir: Path = SAMPLE / "staff",
    intel_dir: Path = SAMPLE / "intel",
    out_dir: Path = REPO / "out",
    config_path: Path | None = None,
    model_path: Path | None = None,
    recipient: str = "DPS",
) -> dict[str, object]:
    """Screen every staff member against the intelligence extract and publish the flags."""
    cfg = SweepConfig.load(config_path)
    out_dir = Path(out_dir)
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    check_output(out_dir)
    work = out_dir / "work"
    ctx = RunContext(
        run_id, cfg.effective_run_date().isoformat(), out_dir, work / f"{run_id}.duckdb"
    )
    timer = StageTimer()
    try:
        with timer.stage("load_validate"):
            validated, hashes, fingerprints, warnings = load_and_validate(
                Path(staff_dir), Path(intel_dir), cfg, ctx
            )
        with timer.stage("normalise_block"):
            blocking_report = normalise_and_block(cfg, ctx)
        with timer.stage("compare_score"):
            model = compare_and_score_pairs(cfg, ctx, model_path)
        with timer.stage("classify"):
            flags = classify_flags(cfg, ctx)
        with timer.stage("revetting"):
            referrals = refer_for_revetting(validated.accepted, cfg, ctx)
        with timer.stage("lifecycle"):
            flags, flag_history = track_lifecycle(
                flags, validated.accepted["staff"]["staff_id"], ctx
            )
        with timer.stage("progress"):
            row, history, ledger = measure_progress(
                validated.accepted["staff"], validated.counts, flags, cfg, ctx
            )
        (out_dir / "models").mkdir(exist_ok=True)
        model.save(out_dir / "models" / f"{run_id}.json")
        runs = pd.DataFrame(
            [
                {
                    "run_id": run_id,
                    "run_date": ctx.run_date,
                    "started_at": started.isoformat(timespec="seconds"),
                    "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "status": "completed",
                    **who_and_where(),
                    "recipient": recipient,
                    "staff_dir": str(staff_dir),
                    "intel_dir": str(intel_dir),
                    "staff_fingerprint": fingerprints.get("staff"),
                    "intel_fingerprint": fingerprints.get("intel"),
                    "config_json": cfg.to_json(),
                    "model_json": model.to_json(),
                }
            ]
        )
        with timer.stage("publish"):
            frames = {
                "runs": runs,
                "input_files": hashes,
                "row_counts": validated.counts,
                "quarantine": validated.quarantine,
                "blocking_report": blocking_report,
                "model_weights": model.weights_table(),
                "progress_history": history,
                "flag_history": flag_history,
                "screening_ledger": ledger,
                "run_warnings": warnings_frame(run_id, ctx.run_date, warnings),
            }
            outputs = publish(ctx, cfg, frames, flags, referrals, recipient, fingerprints, timer)
        try:
            report = write_published_report(Path(outputs["database"]), out_dir / "reports", run_id)
        except OSError as exc:
            raise OutputError(unreported_message(run_id, outputs, out_dir, exc)) from None
        create_markdown_artifact(
            key="sweep-progress",
            markdown=prog.progress_markdown(row, [m for _, _, m in warnings]),
            description="Progress toward the completion target",
        )
        create_progress_artifact(
            progress=min(100.0, 100.0 * row["checked_total"] / max(row["target_records"], 1)),
            key="sweep-completion",
            description="Checked records as % of the target",
        )
    finally:
        ctx.work_db.unlink(missing_ok=True)
        shutil.rmtree(ctx.work_db.with_suffix(".duckdb.tmp"), ignore_errors=True)
    get_run_logger().info("run %s: %d flags, report %s", run_id, len(flags), report)
    return {
        "run_id": run_id,
        **outputs,
        "report": str(report),
        "progress": row,
        "flags": flags["flag_kind"].value_counts().to_dict(),
        "flags_by_status": flags["status"].value_counts().to_dict(),
        "warnings": [message for _, _, message in warnings],
        "revetting_referrals": len(referrals),
        "timings": json.loads(timer.frame().to_json(orient="records")),
    }
