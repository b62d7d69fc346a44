"""Prefect orchestration: thin flows whose tasks call ``transforms``."""

from sweep import environment

environment.apply()  # telemetry off before Prefect is imported by any flow module
