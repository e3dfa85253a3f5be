"""Every conformance vignette, compiled and run on PostgreSQL, agrees with the
interpreter on every node (the same test as on DuckDB, another backend).

On PostgreSQL the compiler materialises each tree level as a ``MATERIALIZED``
CTE; without that the planner re-expands deep score formulas (ACR Pedi ran for
minutes and gigabytes). The session's ``statement_timeout`` turns a relapse
into a failure within seconds instead of a runaway backend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from remit.catalogue import get
from remit.screening.backends import connect
from tests.conformance.vignettes import Vignette, all_vignettes
from tests.screening.agreement import compiled_rows, disagreements, interpreter_outcomes, renamed

BY_INSTRUMENT: dict[str, list[Vignette]] = defaultdict(list)
for _v in all_vignettes():
    BY_INSTRUMENT[_v.instrument].append(_v)

STATEMENT_TIMEOUT = "60s"  # every instrument's vignettes run in well under a second of server time


@pytest.fixture(scope="module")
def pg(postgres_url: str) -> Iterator[Any]:
    con = connect("postgres", postgres_url)
    con.raw_sql(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'").close()
    yield con
    con.disconnect()


@pytest.mark.postgres
def test_the_statement_timeout_is_in_force(pg: Any) -> None:
    with pg.raw_sql("SHOW statement_timeout") as cursor:
        assert cursor.fetchone()[0] == "1min"


@pytest.mark.postgres
@pytest.mark.parametrize("instrument", sorted(BY_INSTRUMENT))
def test_compiled_postgres_agrees_with_interpreter(pg: Any, instrument: str) -> None:
    definition = get(instrument)
    vignettes = BY_INSTRUMENT[instrument]
    cases = [(v.record, v.index_date, v.baseline_date) for v in vignettes]
    rows = compiled_rows(pg, definition, cases, prefix=f"vig_{instrument}_")
    problems = []
    for i, v in enumerate(vignettes):
        outcomes = interpreter_outcomes(definition, renamed(v.record, f"p{i}"), v.index_date, v.baseline_date)
        problems += [f"{v.name}: {p}" for p in disagreements(definition, outcomes, rows[f"p{i}"])]
    assert not problems, "\n".join(problems)
