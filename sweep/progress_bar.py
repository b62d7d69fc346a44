"""Stage-level progress bars for long CLI commands (generate, run, link), over rich.progress.

Shown on stderr only when stderr is a terminal, CI is not set and ``--quiet`` was not given;
otherwise every call is a no-op, so CI logs, cron mail and piped output stay as they were.
Stdout is never touched: a command's results can be piped while the bar shows on the terminal.

``sweep run`` drives its bar from Prefect's own task-run log records
(:func:`observe_prefect_run`), so the flow knows nothing about the bar.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from types import ModuleType, TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

# CI=false / CI=0 (some runners set it so) does not count as CI.
_NOT_CI = {"", "0", "false", "no"}
PREFECT_START = "start Prefect"
_TASK_LOGGER = "prefect.task_runs"
_FLOW_LOGGER = "prefect.flow_runs"
_RUN_LOGGERS = (_FLOW_LOGGER, _TASK_LOGGER)


def progress_wanted(
    quiet: bool, stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """True only for a person at a terminal: not --quiet, CI unset, ``stream`` (stderr) a TTY."""
    if quiet:
        return False
    env = os.environ if environ is None else environ
    if env.get("CI", "").strip().lower() not in _NOT_CI:
        return False
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


class StageBar:
    """One row of the display: named steps done in order, shown as "title: step" and n/total.

    With no ``progress`` (display off) nothing is drawn; the bookkeeping still happens.
    """

    def __init__(self, progress: Progress | None, title: str, steps: Sequence[str]) -> None:
        self.title = title
        self.steps = list(steps)
        self.done_steps: list[str] = []
        self._progress = progress
        self._task: TaskID | None = None
        if progress is not None:
            first = self.steps[0] if self.steps else ""
            self._task = progress.add_task(self._label(first), total=len(self.steps) or None)

    def _label(self, step: str) -> str:
        return f"{self.title}: {step}" if step else self.title

    def _show(self, step: str, advance: int = 0) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=self._label(step), advance=advance)
            self._progress.refresh()

    def start(self, step: str) -> None:
        """Show ``step`` as running (steps not in the list are shown too, and counted)."""
        if step not in self.steps:
            self.steps.append(step)
            if self._progress is not None and self._task is not None:
                self._progress.update(self._task, total=len(self.steps))
        self._show(step)

    def done(self, step: str | None = None) -> None:
        """Count ``step`` (default: the next pending one) as done; show the next pending step."""
        pending = [s for s in self.steps if s not in self.done_steps]
        step = step if step is not None else (pending[0] if pending else None)
        if step is None or step in self.done_steps:
            return
        if step not in self.steps:
            self.start(step)
        self.done_steps.append(step)
        following = [s for s in self.steps if s not in self.done_steps]
        self._show(following[0] if following else "done", advance=1)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """``with bar.step("write staff"):`` shows it running, then done (not on error)."""
        self.start(name)
        yield
        self.done(name)


class _LinesAbove(io.TextIOBase):
    """A text stream that prints each finished line above the live bars, ANSI colours kept.

    Not rich's FileProxy: a rich Console given a FileProxy as its file unwraps it and writes
    to the terminal directly, which is exactly what Prefect's console handler must not do.
    """

    def __init__(self, console: Console, original: TextIO) -> None:
        super().__init__()
        self._console = console
        self._original = original
        self._partial = ""

    def write(self, text: str) -> int:
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        if lines:
            joined = Text("\n").join(Text.from_ansi(line) for line in lines)
            self._console.print(joined, soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._console.print(Text.from_ansi(self._partial), soft_wrap=True)
            self._partial = ""

    def isatty(self) -> bool:
        return self._original.isatty()

    def fileno(self) -> int:
        return self._original.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._original, "encoding", "utf-8")


class ProgressDisplay:
    """A rich Progress on stderr for one command; a no-op when ``enabled`` is False.

    While live, log handlers that write to the same stream print above the bars instead of
    through them (Prefect's console handler included), and stray writes to sys.stderr are
    redirected the same way. Stdout is never redirected.
    """

    def __init__(self, enabled: bool, console: Console | None = None) -> None:
        self.enabled = enabled
        self.console = console if console is not None else Console(stderr=True)
        self._progress: Progress | None = None
        self._restore: list[Callable[[], object]] = []

    def bar(self, title: str, steps: Sequence[str]) -> StageBar:
        """A new row with ``steps``; a silent one when the display is off."""
        return StageBar(self._progress, title, steps)

    def __enter__(self) -> ProgressDisplay:
        if not self.enabled:
            return self
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            redirect_stdout=False,
            redirect_stderr=True,
        )
        self._reroute_handlers()
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        for undo in reversed(self._restore):
            undo()
        self._restore.clear()

    def _reroute_handlers(self) -> None:
        """Send every handler writing to the display's stream through :class:`_LinesAbove`. A
        handler with its own rich Console (Prefect's console handler) keeps that console, with
        its theme and markup settings; only the console's file changes."""
        target = self.console.file
        loggers = [logging.getLogger()] + [
            lg
            for lg in logging.Logger.manager.loggerDict.values()
            if isinstance(lg, logging.Logger)
        ]
        seen: set[int] = set()
        for lg in loggers:
            for handler in lg.handlers:
                if id(handler) in seen or not isinstance(handler, logging.StreamHandler):
                    continue
                seen.add(id(handler))
                inner = getattr(handler, "console", None)
                if isinstance(inner, Console) and inner.file is target:
                    self._restore.append(partial(setattr, inner, "file", target))
                    inner.file = _LinesAbove(self.console, target)
                elif handler.stream is target:
                    self._restore.append(partial(handler.setStream, target))
                    handler.setStream(_LinesAbove(self.console, target))


def progress_display(quiet: bool, console: Console | None = None) -> ProgressDisplay:
    """The display for a CLI command: on per :func:`progress_wanted`, on stderr."""
    return ProgressDisplay(progress_wanted(quiet), console)


def flow_task_names(module: ModuleType) -> list[str]:
    """Names of the Prefect tasks defined in a flow module, in definition order (the order the
    nightly flow calls them; tests/sweep/test_progress_bar.py checks that)."""
    from prefect import Task

    return [v.name for v in vars(module).values() if isinstance(v, Task)]


class _AtLeast(logging.Filter):
    """Drops records of the run loggers below ``level`` (what their handlers saw before the
    observer opened those loggers up to INFO); records of other loggers pass untouched."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name in _RUN_LOGGERS or record.name.startswith(
            tuple(f"{n}." for n in _RUN_LOGGERS)
        )
        return not ours or record.levelno >= self.level


class PrefectRunObserver(logging.Handler):
    """Advances a StageBar from Prefect's run log records: the flow run's "Beginning" record
    ends the start-up step; a record from a task not seen yet shows it running; its
    "Finished in state" record counts it done."""

    def __init__(self, bar: StageBar, start_step: str | None = PREFECT_START) -> None:
        super().__init__(level=logging.INFO)
        self.bar = bar
        self.start_step = start_step

    def emit(self, record: logging.LogRecord) -> None:
        try:
            task = getattr(record, "task_name", None)
            message = record.getMessage()
            if task is None:
                begins = getattr(record, "flow_run_name", None) and message.startswith("Beginning")
                if begins and self.start_step is not None:
                    self.bar.done(self.start_step)
                return
            if message.startswith("Finished in state"):
                self.bar.done(task)
            else:
                self.bar.start(task)
        except Exception:  # a display problem must never fail the run
            self.handleError(record)


@contextmanager
def observe_prefect_run(bar: StageBar, start_step: str | None = PREFECT_START) -> Iterator[None]:
    """While inside, Prefect's flow- and task-run INFO records drive ``bar``.

    If PREFECT_LOGGING_LEVEL is above INFO, the two run loggers are opened to INFO for the
    observer only: every other handler they reach gets a filter at the old level, so what is
    printed or sent to the API does not change. Everything is restored on exit.
    """
    observer = PrefectRunObserver(bar, start_step)
    restore: list[tuple[logging.Logger, int]] = []
    filtered: list[tuple[logging.Handler, logging.Filter]] = []
    for name in _RUN_LOGGERS:
        logger = logging.getLogger(name)
        effective = logger.getEffectiveLevel()
        if effective > logging.INFO:
            restore.append((logger, logger.level))
            logger.setLevel(logging.INFO)
            gate = _AtLeast(effective)
            node: logging.Logger | None = logger
            while node is not None:
                for handler in node.handlers:
                    handler.addFilter(gate)
                    filtered.append((handler, gate))
                node = node.parent if node.propagate else None
        logger.addHandler(observer)
    try:
        yield
    finally:
        for name in _RUN_LOGGERS:
            logging.getLogger(name).removeHandler(observer)
        for handler, gate in filtered:
            handler.removeFilter(gate)
        for logger, level in restore:
            logger.setLevel(level)
