"""The ``sweep`` command line: generate, run, evaluate, query, handoff verify, dispositions
import, policy."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sweep import environment

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
DEFAULT_OUT = Path("out")


def _cmd_generate(args: argparse.Namespace) -> int:
    from sweep.progress_bar import progress_display
    from transforms.generate import BUILD_STEP, GenerateSpec, generate_to, table_names

    spec = GenerateSpec(
        staff=args.staff,
        nominals=args.nominals,
        seed=args.seed,
        enrich=args.enrich,
        fmt=args.format,
        defects=args.defects,
    )
    with progress_display(args.quiet) as display:
        build = f"{spec.staff:,} staff x {spec.nominals:,} nominals"
        building = display.bar("generate", [build])
        writing = display.bar("write", table_names(spec))

        def step(name: str) -> AbstractContextManager[None]:
            return building.step(build) if name == BUILD_STEP else writing.step(name)

        # each table is written as soon as it is final, then released (bounded memory)
        written = generate_to(spec, Path(args.out), args.format, step)
    for name, (path, n_rows) in sorted(written.items()):
        print(f"{name:24s} {n_rows:>10,d} rows  {path}")
    return 0


@contextmanager
def _no_console_traceback_for(errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Prefect logs a failed task and flow with the whole traceback; for an input error the
    user needs the one line this command prints (the logs keep the traceback)."""

    def drop_traceback(record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], errors):
            record.exc_info = record.exc_text = None
        return True

    handlers = [
        h
        for name in ("", "prefect", "prefect.flow_runs", "prefect.task_runs")
        for h in logging.getLogger(name).handlers
        if isinstance(h, logging.StreamHandler)
    ]
    for h in handlers:
        h.addFilter(drop_traceback)
    try:
        yield
    finally:
        for h in handlers:
            h.removeFilter(drop_traceback)


def _cmd_run(args: argparse.Namespace) -> int:
    from flows import nightly
    from flows.nightly import nightly_screening
    from sweep.progress_bar import (
        PREFECT_START,
        flow_task_names,
        observe_prefect_run,
        progress_display,
    )
    from transforms.load import StructuralError
    from transforms.publish import OutputError

    try:
        with (
            _no_console_traceback_for((StructuralError, OutputError)),
            progress_display(args.quiet) as display,
        ):
            bar = display.bar("sweep run", [PREFECT_START, *flow_task_names(nightly)])
            with observe_prefect_run(bar):
                result = nightly_screening(
                    staff_dir=Path(args.staff),
                    intel_dir=Path(args.intel),
                    out_dir=Path(args.out),
                    config_path=Path(args.config) if args.config else None,
                    model_path=Path(args.model) if args.model else None,
                    recipient=args.recipient,
                )
    except StructuralError as exc:
        print(f"sweep run: input error: {exc}", file=sys.stderr)
        return 2
    except OutputError as exc:
        print(f"sweep run: output error: {exc}", file=sys.stderr)
        return 2
    prog = result["progress"]
    print(f"run {result['run_id']} finished")
    for warning in result.get("warnings", []):
        print(f"  WARNING: {warning}")
    print(f"  flags: {json.dumps(result['flags'])}")
    if "flags_by_status" in result:
        print(f"  flags by status: {json.dumps(result['flags_by_status'])}")
    print(f"  re-vetting referrals: {result.get('revetting_referrals', 0)}")
    print(f"  analysts' database: {result['database']}")
    print(f"  DPS handoff:        {result['handoff']}")
    print(f"  run report:         {Path(result['report']).with_suffix('.html')}")
    print(f"  progress report:    {result['report']}")
    print(
        f"  checked {prog['checked_total']:,} of {prog['target_records']:,} by "
        f"{prog['target_date']}: {'on track' if prog['on_track'] else 'behind'}"
    )
    return 0


def _evaluate_number(v: object) -> str:
    """A figure for `sweep evaluate`: counts whole, rates to 4 decimals, missing as '-'."""
    if v is None or v != v:  # None or NaN
        return "-"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.4f}"
    return f"{int(v):,}" if isinstance(v, (int, float)) else str(v)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import pandas as pd

    from transforms.evaluate import (
        CURVE_SCOPES,
        choose_thresholds,
        evaluate,
        read_truth,
        write_pr_report,
        write_threshold_config,
    )

    db = Path(args.db)
    if not db.exists():
        print(f"sweep evaluate: no published database at {db}", file=sys.stderr)
        return 2
    truth = read_truth(Path(args.truth))
    out = evaluate(db, truth)
    run = out["run"].iloc[0]
    rate = lambda v: f"{v:.3f}"  # noqa: E731
    scopes = "; ".join(f"{s} = {', '.join(k)}" for s, k in CURVE_SCOPES.items())
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(
            f"run {run['run_id']}: auto from {run['auto_threshold']:g}, review from "
            f"{run['review_threshold']:g}; {int(run['staff_screened']):,} staff screened\n"
        )
        print("flags by kind, and identities (precision over every review/auto pair)")
        print(out["metrics"].to_string(index=False, float_format=rate))
        print("\nplanted cases by kind")
        print(out["by_kind"].to_string(index=False))
        print(
            "\nidentity by kind of noise (review or auto band). recall: planted identities "
            "with that noise found;\nprecision: share of all review/auto pairs of the staff "
            "members whose planted identity has that noise that are planted identities"
        )
        print(out["by_noise"].to_string(index=False, float_format=rate))
        print("\nreview load (lines per staff = pairs in the band / staff screened)")
        print(out["load"].to_string(index=False, formatters={"value": _evaluate_number}))
        print(f"\nself matches at this run's thresholds and at the best F1 ({scopes})")
        print(out["thresholds"].to_string(index=False, float_format=rate))
        reports = Path(args.reports) if args.reports else db.parent / "reports"
        paths = write_pr_report(out, reports)
        print(f"\nprecision-recall chart: {', '.join(str(p) for p in paths)}")
        if not (args.choose_thresholds or args.write_config):
            return 0
        choice = choose_thresholds(
            out,
            truth,
            scope=args.scope,
            min_precision=args.min_precision,
            min_recall=args.min_recall,
        )
        print(
            f"\nthresholds chosen on the {choice.scope} curve (auto: lowest weight with "
            f"precision >= {choice.min_precision:g}; review: highest weight with recall >= "
            f"{choice.min_recall:g}; fitted to this extract's planted truth)"
        )
        for name, value in (("auto", choice.auto_threshold), ("review", choice.review_threshold)):
            print(f"  {name:6s} from {value!r}" if value is not None else f"  {name}: none")
        if choice.review_clamped:
            print("  (recall target met at the auto threshold: review lowered to it)")
        print(choice.figures.to_string(index=False, float_format=rate))
        both = {c: _evaluate_number for c in ("configured", "chosen")}
        print(choice.load.to_string(index=False, formatters=both))
        if choice.auto_threshold is None or choice.review_threshold is None:
            print("sweep evaluate: no threshold meets a target; no config written", file=sys.stderr)
            return 1
        if args.write_config:
            path = write_threshold_config(choice, Path(args.write_config))
            print(f"wrote {path} (use: sweep run --config {path})")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    import duckdb

    db = Path(args.db)
    if not db.exists():
        print(
            f"sweep query: no published database at {db} (run `sweep run` first)", file=sys.stderr
        )
        return 2
    with duckdb.connect(str(db), read_only=True) as con:
        try:
            frame = con.execute(args.sql).df()
        except duckdb.Error as exc:
            print(f"sweep query: {exc}", file=sys.stderr)
            return 2
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", date_format="iso"))
    else:
        print(frame.to_string(index=False) if len(frame) else "(no rows)")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from transforms.publish import PUBLISHED_NAME
    from transforms.report import write_published_report

    out = Path(args.out)
    db = out / PUBLISHED_NAME
    if not db.exists():
        print(f"sweep report: no published database at {db}", file=sys.stderr)
        return 2
    try:
        report = write_published_report(db, out / "reports", args.run_id)
    except (LookupError, OSError) as exc:
        print(f"sweep report: {exc}", file=sys.stderr)
        return 2
    print(f"run report:      {report.with_suffix('.html')}")
    print(f"progress report: {report}")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from transforms.explain import explain_pair, explain_pairs_file

    if args.pairs:
        pairs = Path(args.pairs)
        try:
            print(explain_pairs_file(pairs, args.staff_id, args.nominal_id))
        except (ValueError, OSError) as exc:
            print(f"sweep explain: {exc}", file=sys.stderr)
            return 2
        return 0
    db = Path(args.db)
    if not db.exists():
        print(f"sweep explain: no published database at {db}", file=sys.stderr)
        return 2
    print(explain_pair(db, args.staff_id, args.nominal_id))
    return 0


def _cmd_handoff_verify(args: argparse.Namespace) -> int:
    from transforms.handoff import verify_handoff

    problems = verify_handoff(Path(args.dir))
    for p in problems:
        print(p)
    print("verified" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def _known_flag_ids(db: Path) -> set[str]:
    """Every flag id the published database knows: ``flags`` and, if present, ``flag_history``."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_name IN ('flags', 'flag_history')"
            ).fetchall()
        }
        if "flags" not in tables:
            raise LookupError("the published database has no flags table")
        ids: set[str] = set()
        for table in sorted(tables):
            rows = con.execute(
                f"SELECT DISTINCT CAST(flag_id AS VARCHAR) FROM {table} WHERE flag_id IS NOT NULL"
            ).fetchall()
            ids.update(r[0] for r in rows)
    return ids


def _cmd_dispositions_import(args: argparse.Namespace) -> int:
    from datetime import date

    import duckdb

    from transforms.dispositions import DEFAULT_STORE, import_dispositions
    from transforms.load import StructuralError
    from transforms.publish import PUBLISHED_NAME

    out = Path(args.out)
    db = out / PUBLISHED_NAME
    if not db.exists():
        print(
            f"sweep dispositions import: no published database at {db} (run `sweep run` first)",
            file=sys.stderr,
        )
        return 2
    try:
        known = _known_flag_ids(db)
    except (LookupError, duckdb.Error) as exc:
        print(f"sweep dispositions import: {db}: {exc}", file=sys.stderr)
        return 2
    try:
        result = import_dispositions(Path(args.file), out / DEFAULT_STORE, known, date.today())
    except StructuralError as exc:
        print(f"sweep dispositions import: input error: {exc}", file=sys.stderr)
        return 2
    for name in result.ignored_columns:
        print(f"warning: ignored column {name!r} (not a dispositions column)", file=sys.stderr)
    print(
        f"read {result.rows_read}, accepted {len(result.accepted)}, rejected {result.rejected_rows}"
    )
    for line in result.rejected.itertuples(index=False):
        print(f"row {line.row_number}: {line.field}: {line.reason}")
    if result.store is not None:
        print(f"stored in {result.store}")
    return 1 if result.rejected_rows else 0


def _cmd_policy(args: argparse.Namespace) -> int:
    from datetime import date

    from transforms.load import StructuralError, load_extract
    from transforms.policy import evaluate_policy
    from transforms.schema import DECLARED_HISTORY, STAFF

    try:
        frames = load_extract(Path(args.staff), [STAFF, DECLARED_HISTORY])
    except StructuralError as exc:
        print(f"sweep policy: input error: {exc}", file=sys.stderr)
        return 2
    failing, counts = evaluate_policy(
        frames["declared_history"], frames["staff"], args.rules, date.today()
    )
    if args.format == "csv":
        failing.to_csv(sys.stdout, index=False)
        return 0
    with_history = frames["declared_history"]["staff_id"].nunique()
    print(
        f"rules {args.rules}: {len(failing)} of {with_history} staff with declared history "
        f"would fail"
    )
    print()
    print(counts.to_string(index=False))
    print()
    print(failing.to_string(index=False) if len(failing) else "(nobody fails)")
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from datetime import date, timedelta

    import duckdb
    import numpy as np

    from flows.nightly import nightly_screening
    from transforms.dispositions import DEFAULT_STORE, import_dispositions
    from transforms.generate import GenerateSpec, generate, write_extracts
    from transforms.lifecycle import OPEN_STATUSES
    from transforms.simulate import CampaignPlan, synthetic_decisions

    out = Path(args.out)
    data, campaign = out / "data", out / "campaign"
    if not (data / "staff" / "staff.csv").exists():
        spec = GenerateSpec(staff=args.staff, nominals=args.nominals, seed=args.seed)
        write_extracts(generate(spec), data, "csv")
    start = date.fromisoformat(args.start)
    plan = CampaignPlan(
        nights=args.nights,
        batch_size=args.batch,
        decisions_per_night=args.decisions_per_night,
        start=start,
        target_records=args.staff,
        target_date=start + timedelta(days=args.target_days),
    )
    rng = np.random.default_rng(args.seed)
    statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    for night in range(plan.nights):
        config = out / f"night-{night:03d}.json"
        config.write_text(json.dumps(plan.config(night)), encoding="utf-8")
        nightly_screening(
            staff_dir=data / "staff",
            intel_dir=data / "intel",
            out_dir=campaign,
            config_path=config,
        )
        with duckdb.connect(str(campaign / "sweep.duckdb"), read_only=True) as con:
            open_flags = con.execute(
                f"SELECT flag_id, flag_kind, first_raised_run FROM flags "
                f"WHERE status IN ({statuses})"
            ).df()
            known = {r[0] for r in con.execute("SELECT flag_id FROM flags").fetchall()}
        decided_on = plan.night_date(night)
        decisions = synthetic_decisions(open_flags, plan.decisions_per_night, decided_on, rng)
        if len(decisions):
            path = out / f"decisions-{night:03d}.csv"
            decisions.to_csv(path, index=False)
            import_dispositions(path, campaign / DEFAULT_STORE, known, decided_on)
    with duckdb.connect(str(campaign / "sweep.duckdb"), read_only=True) as con:
        burnup = con.execute(
            "SELECT run_date, screened_this_run AS screened_tonight, screened_total, "
            "checked_total, awaiting_decision, flags_misconduct, flags_association, "
            "flags_welfare, rate_per_day, required_rate_per_day, projected_completion, "
            "on_track FROM progress_history ORDER BY run_date"
        ).df()
        decided = con.execute(
            "SELECT decision, count(*) AS flags FROM flags WHERE status = 'decided' "
            "GROUP BY 1 ORDER BY 2 DESC"
        ).df()
    print(burnup.to_string(index=False))
    print()
    print(decided.to_string(index=False) if len(decided) else "(no decisions yet)")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import (
        ServeError,
        api_problem,
        build_schedule,
        current_api_url,
        describe_schedule,
        make_plan,
        serve,
        server_help,
    )

    try:
        plan = make_plan(
            args.name,
            args.cron,
            args.timezone,
            Path(args.staff),
            Path(args.intel),
            Path(args.out),
            Path(args.config) if args.config else None,
        )
        schedule = build_schedule(plan)
    except ServeError as exc:
        print(f"sweep serve: {exc}", file=sys.stderr)
        return 2
    api_url = current_api_url()
    problem = api_problem(api_url)
    if problem:
        print(f"sweep serve: {server_help(problem)}", file=sys.stderr)
        return 2
    print(f"serving {plan.deployment} on {api_url}")
    print(f"  schedule: {describe_schedule(plan.cron, plan.timezone)}")
    print(f"  output:   {plan.parameters['out_dir']}")
    print("  Ctrl-C stops serving and pauses the schedule", flush=True)
    serve(plan, schedule)
    return 0


def _cmd_link(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from sweep.progress_bar import progress_display
    from transforms.config import SweepConfig
    from transforms.fellegi_sunter import Model
    from transforms.link import LINK_STEPS, LinkInputError, link, summary_lines
    from transforms.mapping import MappingError, load_mapping

    try:
        cfg = SweepConfig.load(Path(args.config) if args.config else None)
        if args.memory_limit:
            cfg = replace(cfg, engine=replace(cfg.engine, link_memory_limit=args.memory_limit))
        model = Model.load(Path(args.model)) if args.model else None
        mapping = load_mapping(Path(args.mapping))
        steps = [s for s in LINK_STEPS if s != "evaluate" or args.truth]
        with progress_display(args.quiet) as display:
            result = link(
                Path(args.left),
                Path(args.right),
                mapping,
                Path(args.out),
                cfg,
                model=model,
                truth=Path(args.truth) if args.truth else None,
                stage=display.bar("link", steps).step,
                labels=Path(args.labels) if args.labels else None,
            )
    except (MappingError, LinkInputError, ValueError, OSError) as exc:
        print(f"sweep link: {exc}", file=sys.stderr)
        return 2
    if args.save_model:
        result.model.save(Path(args.save_model))
    print("\n".join(summary_lines(result, Path(args.left), Path(args.right))))
    if args.save_model:
        print(f"model saved to {args.save_model}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sweep", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write synthetic staff and intelligence extracts")
    g.add_argument("--staff", type=int, required=True)
    g.add_argument("--nominals", type=int, required=True)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument(
        "--enrich",
        type=float,
        default=1.0,
        help="multiply the planted-case rates (the committed sample uses 5)",
    )
    g.add_argument("--out", required=True)
    g.add_argument("--format", choices=["csv", "parquet"], default="csv")
    g.add_argument(
        "--defects",
        type=int,
        default=0,
        help="plant N bad rows of each defect kind, listed in truth/defects.csv "
        "(the committed sample uses 1; default 0)",
    )
    g.add_argument("--quiet", action="store_true", help="no progress bar (none in CI anyway)")
    g.set_defaults(func=_cmd_generate)

    r = sub.add_parser("run", help="run the nightly screening flow once")
    r.add_argument("--staff", default=str(SAMPLE / "staff"), help="staff extract folder")
    r.add_argument("--intel", default=str(SAMPLE / "intel"), help="intelligence extract folder")
    r.add_argument("--config", help="JSON config (see transforms/config.py)")
    r.add_argument("--model", help="a saved model JSON to reuse instead of training")
    r.add_argument("--out", default=str(DEFAULT_OUT))
    r.add_argument("--recipient", default="DPS")
    r.add_argument("--quiet", action="store_true", help="no progress bar (none in CI anyway)")
    r.set_defaults(func=_cmd_run)

    rp = sub.add_parser(
        "report",
        help="write a published run's report again from the database (for a run whose report "
        "failed after it published)",
    )
    rp.add_argument("--out", default=str(DEFAULT_OUT), help="the run's output folder")
    rp.add_argument("--run-id", help="an earlier run (default: the latest, and latest.*)")
    rp.set_defaults(func=_cmd_report)

    e = sub.add_parser("evaluate", help="precision and recall of a run against planted truth")
    e.add_argument("--truth", default=str(SAMPLE / "truth"))
    e.add_argument("--db", default=str(DEFAULT_OUT / "sweep.duckdb"))
    e.add_argument(
        "--reports", help="folder for <run_id>-pr.html and latest-pr.html (default: DB's reports/)"
    )
    e.add_argument(
        "--choose-thresholds",
        action="store_true",
        help="choose auto and review match thresholds from the precision-recall curve",
    )
    e.add_argument("--min-precision", type=float, default=0.99, help="auto band target")
    e.add_argument("--min-recall", type=float, default=0.995, help="review threshold target")
    e.add_argument(
        "--scope",
        choices=["flaggable", "all_self"],
        default="flaggable",
        help="self matches the thresholds are chosen for (flaggable leaves out duty-only)",
    )
    e.add_argument(
        "--write-config",
        help="write the chosen thresholds as a config JSON for `sweep run --config` "
        "(implies --choose-thresholds)",
    )
    e.set_defaults(func=_cmd_evaluate)

    q = sub.add_parser("query", help="read-only SQL over the published database")
    q.add_argument("sql")
    q.add_argument("--db", default=str(DEFAULT_OUT / "sweep.duckdb"))
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.set_defaults(func=_cmd_query)

    sim = sub.add_parser("simulate", help="a campaign over many nights with synthetic decisions")
    sim.add_argument("--nights", type=int, default=10)
    sim.add_argument("--staff", type=int, default=50_000)
    sim.add_argument("--nominals", type=int, default=200_000)
    sim.add_argument("--batch", type=int, default=5_000, help="staff screened per night")
    sim.add_argument("--decisions-per-night", type=int, default=40)
    sim.add_argument("--start", default="2026-12-01")
    sim.add_argument("--target-days", type=int, default=14)
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--out", default="out/simulation")
    sim.set_defaults(func=_cmd_simulate)

    x = sub.add_parser("explain", help="the waterfall of weights behind one scored pair")
    x.add_argument("staff_id", help="staff id (with --pairs: the left file's id)")
    x.add_argument("nominal_id", help="nominal id (with --pairs: the right file's id)")
    where = x.add_mutually_exclusive_group()
    where.add_argument("--db", default=str(DEFAULT_OUT / "sweep.duckdb"), help="published database")
    where.add_argument("--pairs", help="a sweep link output (Parquet) instead of the database")
    x.set_defaults(func=_cmd_explain)

    h = sub.add_parser("handoff", help="DPS handoff packages")
    hs = h.add_subparsers(dest="handoff_command", required=True)
    hv = hs.add_parser("verify", help="re-check a package's counts and checksums")
    hv.add_argument("dir")
    hv.set_defaults(func=_cmd_handoff_verify)

    d = sub.add_parser("dispositions", help="analysts' triage decisions on flags")
    ds = d.add_subparsers(dest="dispositions_command", required=True)
    di = ds.add_parser(
        "import",
        help="check a CSV of decisions (flag_id, decision, decided_on, decided_by) and store "
        "the good rows in <out>/state/dispositions.parquet; exit 1 if any row was rejected",
    )
    di.add_argument("file", help="CSV, UTF-8")
    di.add_argument("--out", default=str(DEFAULT_OUT), help="folder of the published database")
    di.set_defaults(func=_cmd_dispositions_import)

    pol = sub.add_parser(
        "policy", help="what-if: staff whose declared history would fail a rule set"
    )
    pol.add_argument("--rules", choices=["app", "met2023"], required=True)
    pol.add_argument("--staff", default=str(SAMPLE / "staff"), help="staff extract folder")
    pol.add_argument("--format", choices=["table", "csv"], default="table")
    pol.set_defaults(func=_cmd_policy)

    lk = sub.add_parser(
        "link",
        help="link any two person extracts (CSV or Parquet) named by a TOML column mapping, "
        "with the nightly flow's engine; scored pairs to Parquet",
    )
    lk.add_argument("--left", required=True, help="left file (CSV or Parquet)")
    lk.add_argument("--right", required=True, help="right file (CSV or Parquet)")
    lk.add_argument("--mapping", required=True, help="TOML mapping (examples/mappings/)")
    lk.add_argument("--out", required=True, help="Parquet file of scored pairs")
    lk.add_argument("--truth", help="CSV/Parquet of true id pairs: blocking recall, P/R/F1")
    lk.add_argument("--config", help="JSON config (see transforms/config.py)")
    lk.add_argument(
        "--labels",
        help="CSV/Parquet of labelled true id pairs (confirmed identities): m is counted over "
        "them instead of learned by EM; columns as for --truth",
    )
    lk.add_argument("--model", help="a saved model JSON to reuse instead of training")
    lk.add_argument("--save-model", help="save the trained model JSON here")
    lk.add_argument(
        "--memory-limit",
        help="DuckDB memory limit: 'auto' (grows with the right side) or a size such as '2GB'; "
        "overrides engine.link_memory_limit",
    )
    lk.add_argument("--quiet", action="store_true", help="no progress bar (none in CI anyway)")
    lk.set_defaults(func=_cmd_link)

    sv = sub.add_parser(
        "serve",
        help="register the nightly flow on a Cron schedule with a running Prefect server "
        "(PREFECT_API_URL) and serve its runs until stopped",
    )
    sv.add_argument("--cron", default="30 1 * * *", help="5-field cron, in --timezone")
    sv.add_argument("--timezone", default="Europe/London", help="IANA zone of the cron")
    sv.add_argument("--name", default="nightly", help="deployment name")
    sv.add_argument("--staff", default=str(SAMPLE / "staff"), help="staff extract folder")
    sv.add_argument("--intel", default=str(SAMPLE / "intel"), help="intelligence extract folder")
    sv.add_argument("--out", default=str(DEFAULT_OUT))
    sv.add_argument("--config", help="JSON config (see transforms/config.py)")
    sv.set_defaults(func=_cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    environment.apply()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
