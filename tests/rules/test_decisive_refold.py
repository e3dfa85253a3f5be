"""The cheap re-fold of the decisive-unknown analysis gives exactly the answers
of the full trials (every unknown leaf forced both ways and the whole rule
re-evaluated), for every instrument, on random patients with random
missingness, and on the seed patients."""

from __future__ import annotations

import functools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.casefiles import load
from remit.catalogue import INSTRUMENT_IDS, get
from remit.core.record import PatientRecord
from remit.core.truth import Truth
from remit.demo import seed_case_files
from remit.rules import ast, decisive, interpret
from remit.rules.interpret import Result, evaluate
from tests.screening.random_patients import INDEX, baseline_for, patient_for


def _both_ways(
    definition: ast.Criterion, record: PatientRecord, index: date, baseline: date | None
) -> tuple[Result, Result]:
    with_refold = evaluate(definition, record, index, baseline_date=baseline)
    full = functools.partial(decisive.decisive_unknowns, use_refold=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(interpret, "decisive_unknowns", full)
        trials_only = evaluate(definition, record, index, baseline_date=baseline)
    return with_refold, trials_only


@pytest.mark.parametrize("instrument", INSTRUMENT_IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_refold_equals_the_full_trials(instrument: str, data: st.DataObject) -> None:
    definition = get(instrument)
    record = data.draw(patient_for(definition, "p"))
    with_refold, trials_only = _both_ways(definition, record, INDEX, baseline_for(definition))
    assert with_refold.truth is trials_only.truth
    assert with_refold.decisive_unknowns == trials_only.decisive_unknowns


def test_refold_equals_the_full_trials_on_the_seed_patients() -> None:
    compared = decisive_found = 0
    for path in seed_case_files():
        record = load(path)
        for instrument in INSTRUMENT_IDS:
            definition = get(instrument)
            if definition.needs_baseline:
                continue
            for index in sorted({e.date for e in record.encounters}):
                with_refold, trials_only = _both_ways(definition, record, index, None)
                assert with_refold.decisive_unknowns == trials_only.decisive_unknowns, (instrument, index)
                compared += 1
                decisive_found += with_refold.truth is Truth.UNKNOWN and bool(with_refold.decisive_unknowns)
    # the comparison exercised real decisive unknowns
    assert compared > 100
    assert decisive_found > 10
