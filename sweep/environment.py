"""Process-wide settings applied before Prefect or Great Expectations are imported:
telemetry off everywhere, quiet logs."""

from __future__ import annotations

import os

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "DASK_LOGGING__DISTRIBUTED": "warning",
}


def apply() -> None:
    for key, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)
