"""`sweep serve`: the nightly-screening flow as a Prefect deployment with a Cron schedule in
Europe/London, served worker-less (``flow.serve``) against a real Prefect server.

``flow.serve`` schedules nothing on Prefect's temporary server, so serving refuses to start
unless PREFECT_API_URL points at a running ``prefect server start``. The Prefect-free parts
(parameters, schedule checks and description, the server check) are plain functions so tests
can call them without a server; :func:`serve` is the only part that needs one.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from prefect.schedules import Schedule

FLOW_NAME = "nightly-screening"
ENTRYPOINT = "flows/nightly.py:nightly_screening"
DEFAULT_NAME = "nightly"
DEFAULT_CRON = "30 1 * * *"
DEFAULT_TIMEZONE = "Europe/London"
# Nightly runs never overlap: a run still going when the next one is due makes it wait.
RUN_LIMIT = 1
HEALTH_TIMEOUT_SECONDS = 5.0
# Telemetry off first: a background server whose launcher has exited dies on its first log
# line (its stdout is a closed pipe), and failing to send telemetry offline logs an ERROR.
QUIET_SERVER = "export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1"
START_SERVER = "prefect server start --background --host 127.0.0.1 --port 4200"
EXPORT_API_URL = "export PREFECT_API_URL=http://127.0.0.1:4200/api"


class ServeError(Exception):
    """Something the user must fix before serving (no server, bad schedule, missing input)."""


@dataclass(frozen=True)
class ServePlan:
    """What ``sweep serve`` registers: deployment name, schedule and the flow's parameters."""

    name: str
    cron: str
    timezone: str
    parameters: dict[str, str] = field(default_factory=dict)

    @property
    def deployment(self) -> str:
        """The deployment's full name, as ``prefect deployment run`` takes it."""
        return f"{FLOW_NAME}/{self.name}"


def check_timezone(timezone: str) -> ZoneInfo:
    """The IANA zone, or ServeError: Prefect accepts any string here and fails only later."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ServeError(
            f"unknown timezone {timezone!r} (use an IANA name such as Europe/London)"
        ) from exc


def check_cron(cron: str) -> str:
    """Five whitespace-separated fields, normalised to single spaces (Prefect checks the rest)."""
    fields = cron.split()
    if len(fields) != 5:
        raise ServeError(
            f"cron {cron!r} has {len(fields)} fields; expected 5 "
            "(minute hour day-of-month month day-of-week, e.g. '30 1 * * *')"
        )
    return " ".join(fields)


def flow_parameters(
    staff: Path, intel: Path, out: Path, config: Path | None = None
) -> dict[str, str]:
    """The flow's parameters as absolute paths, so served runs do not depend on the directory
    the runner happens to start them in. Extract folders and the config file must exist now:
    a typo should fail when serving starts, not at 01:30."""
    params: dict[str, str] = {}
    for key, path in (("staff_dir", staff), ("intel_dir", intel)):
        if not Path(path).is_dir():
            raise ServeError(f"{key.replace('_dir', '')} extract folder not found: {path}")
        params[key] = str(Path(path).resolve())
    params["out_dir"] = str(Path(out).resolve())
    if config is not None:
        if not Path(config).is_file():
            raise ServeError(f"config file not found: {config}")
        params["config_path"] = str(Path(config).resolve())
    return params


def make_plan(
    name: str,
    cron: str,
    timezone: str,
    staff: Path,
    intel: Path,
    out: Path,
    config: Path | None = None,
) -> ServePlan:
    """Check everything that can be checked without Prefect and return the plan."""
    if not name or "/" in name:
        raise ServeError(f"deployment name {name!r} must be non-empty and contain no '/'")
    check_timezone(timezone)
    return ServePlan(name, check_cron(cron), timezone, flow_parameters(staff, intel, out, config))


def describe_schedule(cron: str, timezone: str, now: datetime | None = None) -> str:
    """One line for the operator: the cron, its zone and that zone's UTC offset now, because a
    cron in Europe/London fires at 01:30 GMT in winter and 01:30 BST (00:30 UTC) in summer."""
    zone = check_timezone(timezone)
    local = (now or datetime.now(UTC)).astimezone(zone)
    offset = local.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"cron '{check_cron(cron)}' in {timezone} local time (now {local.tzname()}, {utc})"


def api_problem(api_url: str | None, timeout: float = HEALTH_TIMEOUT_SECONDS) -> str | None:
    """Why serving cannot start against ``api_url`` (unset, unreachable, unhealthy), else None."""
    if not api_url:
        return "PREFECT_API_URL is not set, so Prefect would use a temporary server that runs no schedules"
    if not api_url.startswith(("http://", "https://")):
        return f"PREFECT_API_URL {api_url!r} is not an http(s) URL"
    health = api_url.rstrip("/") + "/health"
    try:  # the scheme is http(s), checked above
        with urllib.request.urlopen(health, timeout=timeout) as response:
            body = response.read(64).decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"no Prefect server answers at {api_url} ({reason})"
    try:
        healthy = json.loads(body) is True
    except json.JSONDecodeError:
        healthy = False
    if not healthy:
        return f"{health} did not report healthy (is PREFECT_API_URL the server's /api URL?)"
    return None


def server_help(problem: str) -> str:
    """The error text: the problem and the exact commands that fix it."""
    return (
        f"{problem}.\n"
        "Start a local Prefect server and point sweep at it:\n"
        f"  {QUIET_SERVER}\n"
        f"  {START_SERVER}\n"
        f"  {EXPORT_API_URL}\n"
        "then run `sweep serve` again."
    )


def current_api_url() -> str | None:
    """PREFECT_API_URL as Prefect resolves it (environment, then the active profile)."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def build_schedule(plan: ServePlan) -> Schedule:
    """The plan's Prefect Cron schedule in its zone (a bare ``cron=`` string would be UTC)."""
    from prefect.schedules import Cron

    try:
        return Cron(plan.cron, timezone=plan.timezone)
    except ValueError as exc:
        raise ServeError(f"invalid cron {plan.cron!r}: {exc}") from exc


def serve(plan: ServePlan, schedule: Schedule, pause_on_shutdown: bool = True) -> None:
    """Register the deployment with its schedule and serve it until interrupted.

    Blocks. Runs execute in subprocesses of this process, at most ``RUN_LIMIT`` at a time. On
    Ctrl-C or SIGTERM the schedule is paused (``pause_on_shutdown``) so no late runs pile up
    while nothing is serving; the next ``sweep serve`` registers it active again.
    """
    from flows.nightly import nightly_screening

    nightly_screening.serve(
        name=plan.name,
        schedules=[schedule],
        parameters=plan.parameters,
        paused=False,
        pause_on_shutdown=pause_on_shutdown,
        limit=RUN_LIMIT,
        description=f"Nightly screening: cron '{plan.cron}' in {plan.timezone}",
        tags=["sweep", "nightly"],
    )
