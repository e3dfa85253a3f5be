"""The differential property: on random patients with random missingness, every
node of every compiled instrument has the interpreter's value on DuckDB."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.catalogue import INSTRUMENTS
from remit.rules.ast import Criterion
from tests.screening.agreement import compiled_rows, disagreements, interpreter_outcomes
from tests.screening.random_patients import INDEX, baseline_for, patient_for

DEFINITIONS = [pytest.param(d, id=d.id) for d in INSTRUMENTS.values()]
PATIENTS_PER_EXAMPLE = 12


@pytest.mark.slow
@pytest.mark.parametrize("definition", DEFINITIONS)
def test_every_node_agrees_on_random_patients(definition: Criterion) -> None:
    con = ibis.duckdb.connect()

    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        records = [data.draw(patient_for(definition, f"p{i}")) for i in range(PATIENTS_PER_EXAMPLE)]
        baseline = baseline_for(definition)
        rows = compiled_rows(con, definition, [(r, INDEX, baseline) for r in records], prefix="")
        problems = []
        for record in records:
            outcomes = interpreter_outcomes(definition, record, INDEX, baseline)
            problems += [
                f"{record.patient.id}: {p}" for p in disagreements(definition, outcomes, rows[record.patient.id])
            ]
        assert not problems, "\n".join(problems[:20])

    check()
