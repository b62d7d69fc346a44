"""Test settings: telemetry off, a throwaway PREFECT_HOME, quiet logs. Applied before any test
module imports Prefect."""

from __future__ import annotations

import os
import tempfile

import pytest

from sweep import environment

environment.apply()
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sweep-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every test that runs a flow (a cold start takes 10-30 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
