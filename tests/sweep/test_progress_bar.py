"""Progress bars: silent in CI, off a terminal and with --quiet; stage names on a terminal;
`sweep run`'s bar driven by a real Prefect flow's task-run records."""

from __future__ import annotations

import ast
import io
import logging
from pathlib import Path

import pytest
from prefect import flow, get_run_logger, task
from rich.console import Console

import flows.nightly
import sweep.progress_bar as pb
from sweep.cli import main
from sweep.progress_bar import (
    PREFECT_START,
    ProgressDisplay,
    flow_task_names,
    observe_prefect_run,
    progress_display,
    progress_wanted,
)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _forced() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=120), buf


def test_on_only_for_a_terminal_outside_ci_without_quiet():
    assert progress_wanted(False, _Tty(), {}) is True
    assert progress_wanted(True, _Tty(), {}) is False  # --quiet
    assert progress_wanted(False, io.StringIO(), {}) is False  # not a terminal
    for ci in ("1", "true", "True", "yes", "github-actions"):
        assert progress_wanted(False, _Tty(), {"CI": ci}) is False
    for not_ci in ("", "0", "false", "FALSE", "no"):
        assert progress_wanted(False, _Tty(), {"CI": not_ci}) is True
    assert progress_wanted(False, object(), {}) is False  # no isatty at all  # type: ignore[arg-type]


def test_ci_env_turns_the_cli_display_off(monkeypatch):
    monkeypatch.setenv("CI", "1")
    assert progress_display(quiet=False).enabled is False
    monkeypatch.delenv("CI")
    # pytest captures stderr: not a terminal, so still off
    assert progress_display(quiet=False).enabled is False


def test_disabled_display_writes_nothing():
    console, buf = _forced()
    with ProgressDisplay(False, console) as display:
        bar = display.bar("generate", ["staff", "nominals"])
        with bar.step("staff"):
            pass
        bar.done("nominals")
    assert buf.getvalue() == ""
    assert bar.done_steps == ["staff", "nominals"]  # the bookkeeping still works


def test_forced_display_renders_each_stage_and_the_count():
    console, buf = _forced()
    with ProgressDisplay(True, console) as display:
        bar = display.bar("write", ["staff", "nominals", "records"])
        for name in bar.steps[:]:
            with bar.step(name):
                pass
    text = buf.getvalue()
    for label in ("write: staff", "write: nominals", "write: records", "write: done", "3/3"):
        assert label in text


def test_unlisted_steps_are_shown_and_counted_and_repeats_ignored():
    console, buf = _forced()
    with ProgressDisplay(True, console) as display:
        bar = display.bar("link", ["load"])
        bar.done("load")
        bar.done("load")
        bar.start("extra")
        bar.done()
    assert bar.done_steps == ["load", "extra"]
    assert "link: extra" in buf.getvalue() and "2/2" in buf.getvalue()


def test_failed_step_is_not_counted_done():
    with ProgressDisplay(False) as display:
        bar = display.bar("run", ["a", "b"])
        with pytest.raises(RuntimeError), bar.step("a"):
            raise RuntimeError("boom")
    assert bar.done_steps == []


def test_log_handlers_on_the_same_stream_print_above_the_bar_and_are_restored():
    from prefect.logging.handlers import PrefectConsoleHandler

    console, buf = _forced()
    plain = logging.StreamHandler(console.file)
    styled = PrefectConsoleHandler(stream=console.file)  # writes through its own rich Console
    logger = logging.getLogger("sweep.test_progress_bar")
    for h in (plain, styled):
        logger.addHandler(h)
    logger.propagate = False
    try:
        with ProgressDisplay(True, console) as display:
            bar = display.bar("run", ["a", "b"])
            assert plain.stream is not buf and styled.console.file is not buf
            logger.warning("a [bold]log[/bold] line during the run")
            bar.done("a")
        assert plain.stream is buf and styled.console.file is buf
    finally:
        for h in (plain, styled):
            logger.removeHandler(h)
        logger.propagate = True
    text = buf.getvalue()
    assert text.count("a [bold]log[/bold] line during the run") == 2  # no markup applied
    # each line was printed above the bar: after it, the bar is drawn again
    assert text.rindex("log[/bold] line") < text.rindex("run: b")


def test_flow_task_names_follow_the_order_the_flow_calls_them():
    names = flow_task_names(flows.nightly)
    tree = ast.parse(Path(flows.nightly.__file__).read_text(encoding="utf-8"))
    (fn,) = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "nightly_screening"
    ]
    calls = sorted(
        (c.lineno, c.col_offset, c.func.id)
        for c in ast.walk(fn)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in set(names)
    )
    called = list(dict.fromkeys(name for _, _, name in calls))
    assert called == names
    assert names[0] == "load_and_validate" and names[-1] == "publish"


# --- a real Prefect flow drives the bar ------------------------------------------------------


@task
def first_stage() -> int:
    get_run_logger().info("working on the first stage")
    return 1


@task
def second_stage(x: int) -> int:
    return x + 1


@flow(name="progress-bar-probe")
def probe_flow() -> int:
    return second_stage(first_stage())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_real_flow_drives_the_bar_without_changing_other_log_output(prefect_harness):
    task_logger = logging.getLogger("prefect.task_runs")
    prefect_logger = logging.getLogger("prefect")
    old_level = prefect_logger.level
    prefect_logger.setLevel(logging.WARNING)  # as PREFECT_LOGGING_LEVEL=WARNING would
    other = _Collect()
    prefect_logger.addHandler(other)
    console, buf = _forced()
    try:
        before = (task_logger.level, list(task_logger.handlers))
        with ProgressDisplay(True, console) as display:
            bar = display.bar("probe", [PREFECT_START, "first_stage", "second_stage"])
            with observe_prefect_run(bar):
                assert probe_flow() == 2
        after = (task_logger.level, list(task_logger.handlers))
    finally:
        prefect_logger.removeHandler(other)
        prefect_logger.setLevel(old_level)
    assert bar.done_steps == [PREFECT_START, "first_stage", "second_stage"]
    text = buf.getvalue()
    for label in ("probe: first_stage", "probe: second_stage", "probe: done", "3/3"):
        assert label in text
    # the observer saw INFO records; the other handler still saw nothing below WARNING
    assert not [r for r in other.records if r.levelno < logging.WARNING]
    assert before == after
    chain = task_logger.handlers + prefect_logger.handlers + logging.getLogger().handlers
    assert not [f for h in chain for f in h.filters if isinstance(f, pb._AtLeast)]


def test_cli_generate_shows_each_table_when_on_and_nothing_with_quiet(
    tmp_path, monkeypatch, capsys
):
    console, buf = _forced()
    monkeypatch.setattr(
        pb, "progress_display", lambda quiet, c=None: ProgressDisplay(not quiet, console)
    )
    argv = ["generate", "--staff", "40", "--nominals", "300", "--seed", "5"]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    text = buf.getvalue()
    assert "generate: 40 staff x 300 nominals" in text
    for table in ("staff", "nominals", "records", "truth"):
        assert f"write: {table}" in text
    assert "staff" in capsys.readouterr().out  # the table listing stays on stdout

    buf.truncate(0)
    buf.seek(0)
    assert main([*argv, "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert buf.getvalue() == ""
    assert capsys.readouterr().err == ""
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.csv"))
    b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.csv"))
    assert a == b and len(a) >= 15
    assert (tmp_path / "a/staff/staff.csv").read_bytes() == (
        tmp_path / "b/staff/staff.csv"
    ).read_bytes()
