"""What the interpreter shares between evaluations changes no answer.

``evaluate_all`` shares, per record and date, the reduced values of an analyte
over a window, the longest run of a finding, the findings and episodes of a
kind; per process, it memoises interval arithmetic by its operands' identities,
a diary day's score per diary-sum node, a points domain's bounds per pattern of
truths, the age on a date, and one interval object per constant. A wrong key
in any of these would give one definition another's answer, or a record
another record's. So: on random patients, every result of ``evaluate_all``
(explanation, evidence, decisive unknowns) equals the definition evaluated
alone on a deep copy of the record (new objects, nothing memoised), and a
second ``evaluate_all`` of the same record object equals the first.
"""

from __future__ import annotations

import copy
import functools
import gc
import math
import random
import weakref
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.catalogue import INSTRUMENT_IDS, evaluate_all, get
from remit.core.intervals import Interval
from remit.core.measurements import measure
from remit.core.record import (
    AIDAI_ITEMS,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    EpisodeKind,
    Finding,
    Observation,
    Patient,
    PatientRecord,
    Sex,
)
from remit.rules import ast
from remit.rules.arithmetic import add, clip_max, clip_min, divide, multiply, subtract
from remit.rules.closures import compiled
from remit.rules.context import Context, Memo
from remit.rules.folds import arith_fold
from remit.rules.interpret import _bands_met, _categorise, evaluate
from tests.screening.random_patients import INDEX, baseline_for, patient_for

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(data=st.data())
def test_evaluate_all_equals_each_definition_alone_on_random_patients(data: st.DataObject) -> None:
    definition = get(data.draw(st.sampled_from(INSTRUMENT_IDS)))
    record = data.draw(patient_for(definition, "p"))
    baseline = baseline_for(definition)
    together = evaluate_all(record, INDEX, baseline_date=baseline)
    again = evaluate_all(record, INDEX, baseline_date=baseline)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in together]
    assert definition.id in {r.definition.id for r in together} or not applicable_to(definition, record)
    for result in together:
        alone = evaluate(result.definition, copy.deepcopy(record), INDEX, baseline_date=baseline)
        assert result.to_dict() == alone.to_dict(), result.definition.id


def applicable_to(definition: ast.Criterion, record: PatientRecord) -> bool:
    conditions = {d.condition for d in record.diagnoses}
    return not definition.applies_to or bool(conditions & set(definition.applies_to))


# Values every kind of definition reads, in units each analyte accepts: a dense
# record makes many definitions ask the same question over different windows
# (ferritin over 3 days in MAS 2016, over 7 in sJADAS), where a memo keyed
# too coarsely would hand one the other's answer.
_LABS = {
    "ferritin": ("ng/mL", 20, 20000),
    "platelets": ("10*9/L", 50, 700),
    "haemoglobin": ("g/L", 70, 150),
    "fibrinogen": ("mg/dL", 100, 600),
    "triglycerides": ("mg/dL", 50, 500),
    "ast": ("U/L", 10, 400),
    "crp": ("mg/L", 1, 200),
    "esr": ("mm/h", 2, 100),
    "wbc": ("10*9/L", 2, 30),
    "neutrophils": ("10*9/L", 0.5, 20),
    "temperature": ("Cel", 36.2, 39.8),
    "physician_global": (None, 0, 8),
    "patient_global": (None, 0, 8),
    "active_joint_count": (None, 0, 5),
}
_FINDINGS = ("fever", "evanescent_rash", "splenomegaly", "arthritis", "serositis", "uveitis", "hepatomegaly")


def _dense_record(seed: int) -> PatientRecord:
    rng = random.Random(seed)

    def day(span: int = 40) -> date:
        return INDEX - timedelta(days=rng.randint(0, span))

    observations = [
        Observation(f"o-{analyte}-{j}", measure(analyte, str(round(rng.uniform(low, high))), unit), day(12))
        for analyte, (unit, low, high) in _LABS.items()
        for j in range(rng.randint(0, 3))
    ]
    findings = [
        Finding(f"f-{kind}-{j}", kind, day(), rng.random() < 0.5)
        for kind in _FINDINGS
        for j in range(rng.randint(0, 3))
    ]
    episodes = [
        Episode(f"ep{j}", EpisodeKind.FEVER_ATTACK, start, start + timedelta(days=rng.randint(0, 4)), features)
        for j in range(rng.randint(0, 4))
        for start in [day(300)]
        for features in [tuple(rng.sample(["abdominal_pain", "chest_pain", "arthritis"], rng.randint(0, 2)))]
    ]
    encounters = [Encounter(f"e{j}", day(200)) for j in range(rng.randint(0, 5))]
    diary = [
        DiaryDay(INDEX - timedelta(days=d), tuple((i, rng.random() < 0.2) for i in AIDAI_ITEMS)) for d in range(20)
    ]
    diagnoses = (Diagnosis("dx1", "sjia", INDEX - timedelta(days=400)), Diagnosis("dx2", "fmf"))
    patient = Patient("p", "s", Sex.FEMALE, BirthDate(2010, 5))
    return PatientRecord(
        patient,
        diagnoses,
        tuple(encounters),
        tuple(observations),
        tuple(findings),
        (),
        tuple(episodes),
        (),
        tuple(diary),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), baseline_days=st.sampled_from([None, 30, 90]))
def test_evaluate_all_equals_each_definition_alone_on_dense_records(seed: int, baseline_days: int | None) -> None:
    record = _dense_record(seed)
    baseline = None if baseline_days is None else INDEX - timedelta(days=baseline_days)
    together = evaluate_all(record, INDEX, baseline_date=baseline)
    assert len(together) >= 20
    for result in together:
        alone = evaluate(result.definition, copy.deepcopy(record), INDEX, baseline_date=baseline)
        assert result.to_dict() == alone.to_dict(), result.definition.id


_ENDS = st.one_of(st.integers(-50, 50).map(float), st.sampled_from([0.0, -0.0, 0.5, 20.0, math.inf, -math.inf]))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    low, high = sorted([draw(_ENDS), draw(_ENDS)])
    return Interval(low, high, draw(st.booleans()), draw(st.booleans()))


_DIRECT = {"+": add, "-": subtract, "*": multiply, "/": divide, "min": clip_max, "max": clip_min}


@settings(max_examples=300, deadline=None)
@given(op=st.sampled_from(sorted(_DIRECT)), values=st.lists(intervals(), min_size=2, max_size=2), other=intervals())
def test_memoised_arithmetic_equals_the_direct_arithmetic(op: str, values: list[Interval], other: Interval) -> None:
    expected = _DIRECT[op](values)
    assert arith_fold(op, values) == expected
    assert arith_fold(op, list(values)) == expected  # the same operands again: from the memo
    # An equal operand that is another object, and a different one in the same place.
    assert arith_fold(op, [copy.copy(values[0]), values[1]]) == expected
    assert arith_fold(op, [other, values[1]]) == _DIRECT[op]([other, values[1]])


def test_a_constant_keeps_its_number_type_and_sign() -> None:
    """Constants share one interval object per value, but 20 and 20.0 (or 0.0
    and -0.0) print differently and must not share one."""
    ctx = Context(Memo(PatientRecord(Patient("x", "s")), None), INDEX)
    whole = compiled(ast.Const("k_int", "K", 20))(ctx).value
    real = compiled(ast.Const("k_real", "K", 20.0))(ctx).value
    negative_zero = compiled(ast.Const("k_nz", "K", -0.0))(ctx).value
    zero = compiled(ast.Const("k_z", "K", 0.0))(ctx).value
    assert whole is not None
    assert real is not None
    assert negative_zero is not None
    assert zero is not None
    assert type(whole.low) is int
    assert type(real.low) is float
    assert math.copysign(1, negative_zero.low) == -1
    assert math.copysign(1, zero.low) == 1


@settings(max_examples=300, deadline=None)
@given(instrument=st.sampled_from([i for i in INSTRUMENT_IDS if get(i).bands]), score=intervals())
def test_memoised_categories_equal_the_bands_judged_again(instrument: str, score: Interval) -> None:
    """Categories are memoised by the score's ends and their openness: a score
    of exactly the cut-off and one just above it (open at it) stay apart."""
    bands = get(instrument).bands
    expected = _bands_met(bands, score)
    assert _categorise(bands, score) == expected
    assert _categorise(bands, copy.copy(score)) == expected
    flipped = Interval(score.low, score.high, not score.low_closed, not score.high_closed)
    assert _categorise(bands, flipped) == _bands_met(bands, flipped)


def test_an_evaluation_leaves_no_reference_cycle() -> None:
    """The memo of an ``evaluate_all`` (and with it every outcome it caches) is
    freed as soon as the results are, by reference counting: a cycle (a memo
    holding contexts that hold the memo) kept each evaluation's outcomes alive
    until the collector found them, and the collections cost more than the
    evaluation saved (docs/benchmarks.md, "evaluate_all", session 4)."""
    record = _dense_record(3)
    gc.collect()
    gc.disable()
    try:
        results = evaluate_all(record, INDEX)
        decisive = results[0]._decisive
        assert isinstance(decisive, functools.partial)
        memo = weakref.ref(decisive.args[1].memo)
        del decisive
        assert memo() is not None
        del results
        assert memo() is None
    finally:
        gc.enable()
