"""Sweep's domain logic: pure functions over frames and DuckDB tables, no Prefect."""
