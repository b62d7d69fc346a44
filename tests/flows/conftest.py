import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test (a cold start takes 10-30 s)."""
    with prefect_test_harness(server_startup_timeout=90):
        yield
