"""The one local Spark session of a test run (starting the JVM takes half a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from remit.screening.backends import connect


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """ibis on the process's Spark session; ``remit screen --backend spark`` run in the
    same process (the CLI runner) gets the same session from ``connect("spark")``."""
    con = connect("spark")
    yield con
    con._session.stop()
