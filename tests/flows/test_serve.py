"""`sweep serve` and prefect.yaml: the pure parts as functions, then the real thing: a Prefect
server on a free loopback port, `sweep serve` against it on a schedule that fires within a
minute, one scheduled run of the committed sample to COMPLETED, and a clean stop."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from flows.serve import (
    DEFAULT_CRON,
    DEFAULT_NAME,
    DEFAULT_TIMEZONE,
    ENTRYPOINT,
    EXPORT_API_URL,
    FLOW_NAME,
    QUIET_SERVER,
    START_SERVER,
    ServeError,
    api_problem,
    build_schedule,
    check_cron,
    check_timezone,
    describe_schedule,
    flow_parameters,
    make_plan,
    server_help,
)
from sweep.cli import SAMPLE, build_parser, main

REPO = Path(__file__).resolve().parents[2]


# --- pure parts ---------------------------------------------------------------------------


def test_cron_needs_five_fields_and_is_normalised():
    assert check_cron("  30 1  * * * ") == "30 1 * * *"
    for bad in ("", "30 1 * *", "0 30 1 * * *"):
        with pytest.raises(ServeError, match="expected 5"):
            check_cron(bad)


def test_timezone_must_be_a_real_iana_zone():
    assert str(check_timezone("Europe/London")) == "Europe/London"
    for bad in ("Europe/Lndon", "GMT+25", "../etc/passwd", ""):
        with pytest.raises(ServeError, match="unknown timezone"):
            check_timezone(bad)


def test_schedule_description_shows_the_zone_offset_winter_and_summer():
    winter = describe_schedule("30 1 * * *", "Europe/London", datetime(2026, 12, 1, tzinfo=UTC))
    summer = describe_schedule("30 1 * * *", "Europe/London", datetime(2027, 7, 1, tzinfo=UTC))
    assert winter == "cron '30 1 * * *' in Europe/London local time (now GMT, UTC+00:00)"
    assert summer == "cron '30 1 * * *' in Europe/London local time (now BST, UTC+01:00)"
    assert "UTC-05:00" in describe_schedule(
        "0 2 * * *", "America/New_York", datetime(2026, 12, 1, tzinfo=UTC)
    )


def test_parameters_are_absolute_and_inputs_must_exist(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "staff").mkdir()
    (tmp_path / "intel").mkdir()
    config = tmp_path / "cfg.json"
    config.write_text("{}")
    params = flow_parameters(Path("staff"), Path("intel"), Path("out"), Path("cfg.json"))
    assert params == {
        "staff_dir": str(tmp_path / "staff"),
        "intel_dir": str(tmp_path / "intel"),
        "out_dir": str(tmp_path / "out"),
        "config_path": str(config),
    }
    assert "config_path" not in flow_parameters(Path("staff"), Path("intel"), Path("out"))
    with pytest.raises(ServeError, match="intel extract folder not found: nowhere"):
        flow_parameters(Path("staff"), Path("nowhere"), Path("out"))
    with pytest.raises(ServeError, match="config file not found"):
        flow_parameters(Path("staff"), Path("intel"), Path("out"), Path("missing.json"))


def test_plan_checks_name_and_builds_a_cron_schedule_in_the_zone(tmp_path):
    plan = make_plan(
        "nightly", "30 1 * * *", "Europe/London", SAMPLE / "staff", SAMPLE / "intel", tmp_path
    )
    assert plan.deployment == "nightly-screening/nightly"
    schedule = build_schedule(plan)
    assert (schedule.cron, schedule.timezone) == ("30 1 * * *", "Europe/London")
    with pytest.raises(ServeError, match="contain no '/'"):
        make_plan(
            "a/b", "30 1 * * *", "Europe/London", SAMPLE / "staff", SAMPLE / "intel", tmp_path
        )
    bad = make_plan(
        "n", "61 1 * * *", "Europe/London", SAMPLE / "staff", SAMPLE / "intel", tmp_path
    )
    with pytest.raises(ServeError, match="invalid cron '61 1"):
        build_schedule(bad)


@contextmanager
def _http(body: bytes) -> Iterator[str]:
    """A loopback HTTP server answering every GET with ``body``; yields its /api URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_api_problem_unset_unreachable_unhealthy_and_healthy():
    assert "not set" in api_problem(None)
    assert "not set" in api_problem("")
    assert "not an http(s) URL" in api_problem("127.0.0.1:4200/api")
    assert "no Prefect server answers" in api_problem(f"http://127.0.0.1:{_free_port()}/api")
    with _http(b"<html>a web page</html>") as url:
        assert "did not report healthy" in api_problem(url)
    with _http(b"true") as url:
        assert api_problem(url) is None
        assert api_problem(url + "/") is None


def test_server_help_gives_the_exact_commands():
    text = server_help("PREFECT_API_URL is not set")
    assert "prefect server start --background --host 127.0.0.1 --port 4200" in text
    assert "export PREFECT_API_URL=http://127.0.0.1:4200/api" in text
    assert START_SERVER in text and EXPORT_API_URL in text
    assert text.index(QUIET_SERVER) < text.index(START_SERVER)  # telemetry off before starting


def test_cli_defaults_match_the_module():
    args = build_parser().parse_args(["serve"])
    assert (args.cron, args.timezone, args.name) == (DEFAULT_CRON, DEFAULT_TIMEZONE, DEFAULT_NAME)


def test_cli_bad_timezone_exits_2_before_any_server(capsys, tmp_path):
    assert main(["serve", "--timezone", "Mars/Olympus", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown timezone 'Mars/Olympus'" in err


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        CI="1",
    )
    return env


def test_cli_without_a_server_exits_2_with_the_commands(tmp_path):
    """A subprocess, so the Prefect settings of other tests in this process cannot leak in."""
    done = subprocess.run(
        [sys.executable, "-m", "sweep.cli", "serve", "--out", str(tmp_path / "out")],
        env=_clean_env(tmp_path / "home"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "PREFECT_API_URL is not set" in done.stderr
    assert START_SERVER in done.stderr and EXPORT_API_URL in done.stderr
    assert not (tmp_path / "out").exists()


# --- prefect.yaml --------------------------------------------------------------------------


def test_prefect_yaml_names_the_flow_entrypoint_and_the_same_schedule():
    from prefect import Flow
    from prefect.cli.deploy._models import PrefectYamlModel

    raw = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    model = PrefectYamlModel.model_validate(raw)  # the schema `prefect deploy` reads
    (deployment,) = model.deployments
    assert deployment.name == DEFAULT_NAME
    assert deployment.entrypoint == ENTRYPOINT == "flows/nightly.py:nightly_screening"
    path, func = deployment.entrypoint.split(":")
    assert (REPO / path).is_file()
    import flows.nightly

    flow = getattr(flows.nightly, func)
    assert isinstance(flow, Flow) and flow.name == FLOW_NAME
    (schedule,) = deployment.schedules
    assert (schedule.cron, schedule.timezone) == (DEFAULT_CRON, DEFAULT_TIMEZONE)
    assert raw["deployments"][0]["schedules"] == [
        {"cron": DEFAULT_CRON, "timezone": DEFAULT_TIMEZONE, "active": True}
    ]
    assert deployment.work_pool is not None and deployment.work_pool.name == "sweep"
    assert deployment.concurrency_limit == 1


# --- the real thing ------------------------------------------------------------------------

SERVER_HEALTHY_S = 90
REGISTERED_S = 90
COMPLETED_S = 170  # next minute boundary (<= 60 s) + run start-up + a sample run (20-40 s)
STOP_S = 30


def _api(base: str, path: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _wait(what: str, timeout: float, probe: Callable[[], object], logs: list[Path]) -> object:
    """Poll ``probe`` until it returns something truthy; fail with the logs' tails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = probe()
        except (urllib.error.URLError, OSError, ValueError):
            found = None
        if found:
            return found
        time.sleep(1)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")


def _stop(proc: subprocess.Popen, timeout: float) -> None:
    """SIGTERM the process group, SIGKILL it if it outlives ``timeout``; reap the leader."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; make sure its children are too
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(1)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_registers_cron_in_london_and_a_scheduled_run_completes(tmp_path):
    home, out = tmp_path / "prefect-home", tmp_path / "out"
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = _clean_env(home)
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    logs = [server_log, serve_log]
    server = serve = None
    with open(server_log, "wb") as slog, open(serve_log, "wb") as vlog:
        try:
            server = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start"]
                + ["--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=tmp_path,
                stdout=slog,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            _wait("the server's /api/health", SERVER_HEALTHY_S, lambda: _api(api, "/health"), logs)

            serve = subprocess.Popen(
                [sys.executable, "-m", "sweep.cli", "serve", "--cron", "* * * * *"]
                + ["--timezone", "Europe/London", "--out", str(out)]
                + ["--staff", str(SAMPLE / "staff"), "--intel", str(SAMPLE / "intel")],
                env={
                    **env,
                    "PREFECT_API_URL": api,
                    "PREFECT_RUNNER_POLL_FREQUENCY": "2",
                    "PREFECT_LOGGING_LEVEL": "INFO",
                },
                cwd=REPO,
                stdout=vlog,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            name = f"/deployments/name/{FLOW_NAME}/{DEFAULT_NAME}"
            deployment = _wait("the deployment", REGISTERED_S, lambda: _api(api, name), logs)
            assert isinstance(deployment, dict)
            (schedule,) = deployment["schedules"]
            assert schedule["schedule"]["cron"] == "* * * * *"
            assert schedule["schedule"]["timezone"] == "Europe/London"
            assert schedule["active"] and not deployment["paused"]
            assert deployment["parameters"]["out_dir"] == str(out)

            def runs() -> list[dict]:
                body = {
                    "flow_runs": {"deployment_id": {"any_": [deployment["id"]]}},
                    "sort": "EXPECTED_START_TIME_ASC",
                    "limit": 200,
                }
                return _api(api, "/flow_runs/filter", body)  # type: ignore[return-value]

            scheduled = _wait("scheduled runs", REGISTERED_S, runs, logs)
            assert all(r["auto_scheduled"] for r in scheduled)  # made by the schedule
            starts = [datetime.fromisoformat(r["expected_start_time"]) for r in scheduled]
            assert all(s.second == 0 and s.microsecond == 0 for s in starts)  # on the minute
            assert len(starts) >= 3

            def completed() -> list[dict]:
                return [r for r in runs() if r["state_type"] == "COMPLETED"]

            done = _wait("a COMPLETED run", COMPLETED_S, completed, logs)
            assert done[0]["auto_scheduled"]
            failed = [r["state_type"] for r in runs() if r["state_type"] in ("FAILED", "CRASHED")]
            assert not failed

            _stop(serve, STOP_S)
            assert not _group_alive(serve.pid), "serve left processes behind"
            after = _api(api, name)
            assert isinstance(after, dict) and after["paused"]  # stopping serve pauses it

            with duckdb.connect(str(out / "sweep.duckdb"), read_only=True) as con:
                rows = con.execute("SELECT count(*), min(status) FROM runs").fetchone()
                flags = con.execute("SELECT count(*) FROM flags").fetchone()
            assert rows is not None and rows[0] >= 1 and rows[1] == "completed"
            assert flags is not None and flags[0] > 0

            _stop(server, STOP_S)
            assert not _group_alive(server.pid), "the server left processes behind"
        finally:
            for proc in (serve, server):
                if proc is not None:
                    _stop(proc, STOP_S)
