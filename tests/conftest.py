"""Test settings: telemetry off, a throwaway PREFECT_HOME, quiet logs. Applied before any test
module imports Prefect."""

from __future__ import annotations

import os
import tempfile

from sweep import environment

environment.apply()
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sweep-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
