"""The Prefect test API is the session fixture ``prefect_harness`` in tests/conftest.py."""
