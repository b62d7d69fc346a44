"""Test settings: telemetry off, a throwaway PREFECT_HOME, quiet logs. Applied before any test
module imports Prefect."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

from sweep import environment

environment.apply()
if "PREFECT_HOME" not in os.environ:
    _prefect_home = tempfile.mkdtemp(prefix="sweep-prefect-")
    os.environ["PREFECT_HOME"] = _prefect_home
    atexit.register(shutil.rmtree, _prefect_home, ignore_errors=True)  # one per test session
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every test that runs a flow (a cold start takes 10-30 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
