"""Every conformance vignette, compiled and run on DuckDB, agrees with the
interpreter on every node."""

from __future__ import annotations

from collections import defaultdict

import ibis
import pytest

from remit.catalogue import get
from tests.conformance.vignettes import Vignette, all_vignettes
from tests.screening.agreement import compiled_rows, disagreements, interpreter_outcomes, renamed

BY_INSTRUMENT: dict[str, list[Vignette]] = defaultdict(list)
for _v in all_vignettes():
    BY_INSTRUMENT[_v.instrument].append(_v)


@pytest.mark.parametrize("instrument", sorted(BY_INSTRUMENT))
def test_compiled_duckdb_agrees_with_interpreter(instrument: str) -> None:
    definition = get(instrument)
    vignettes = BY_INSTRUMENT[instrument]
    con = ibis.duckdb.connect()
    cases = [(v.record, v.index_date, v.baseline_date) for v in vignettes]
    rows = compiled_rows(con, definition, cases, prefix="")
    problems = []
    for i, v in enumerate(vignettes):
        outcomes = interpreter_outcomes(definition, renamed(v.record, f"p{i}"), v.index_date, v.baseline_date)
        for problem in disagreements(definition, outcomes, rows[f"p{i}"]):
            problems.append(f"{v.name}: {problem}")
    assert not problems, "\n".join(problems)
