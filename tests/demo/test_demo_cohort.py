"""The demo cohort reproduces what seed paper 004 prints (Tables 1, 2 and 4, and the text).

Measures are computed here from the loaded records with the definitions of
docs/demo-data.md; they do not use the generator.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date, timedelta

import pytest

from remit.core.record import AIDAI_ITEMS, EncounterKind, EpisodeKind, PatientRecord, SeriousCriterion
from tests.demo.outcome_rules import anakinra, assessments, number, outcome

MONTH = 30.4375
SAID = ("fmf", "mkd", "caps", "recurrent_pericarditis", "naps12", "unclassified_said")


def birth_midpoint(record: PatientRecord) -> date:
    birth = record.patient.birth
    assert birth is not None
    earliest, latest = birth.earliest(), birth.latest()
    return earliest + (latest - earliest) / 2


def years(start: date, end: date) -> float:
    return (end - start).days / 365.25


def main_diagnosis(record: PatientRecord) -> str:
    return next(d.condition for d in record.diagnoses if d.condition != "mas")


def group(record: PatientRecord) -> str:
    return "sjia" if record.has_condition("sjia") else "said"


def aidai(record: PatientRecord, day: date) -> int:
    rows = record.diary_between(day - timedelta(days=30), day - timedelta(days=1))
    assert len(rows) == 30, record.patient.id
    return sum(1 for row in rows for item in AIDAI_ITEMS if row.answer(item))


def after_day(record: PatientRecord) -> date:
    """Table 2 'after treatment': the month-12 visit, or the last assessment of the patient who died."""
    visits = [e.date for e in record.encounters if e.kind is EncounterKind.SCHEDULED and e.month == 12]
    return visits[0] if visits else assessments(record)[-1]


# ----- Table 1 ----------------------------------------------------------------


def test_table_1_diagnoses_and_sex(cohort: dict[str, PatientRecord]) -> None:
    assert len(cohort) == 33
    assert Counter(main_diagnosis(r) for r in cohort.values()) == {
        "sjia": 11,
        "mkd": 6,
        "caps": 5,
        "fmf": 5,
        "recurrent_pericarditis": 4,
        "naps12": 1,
        "unclassified_said": 1,
    }
    assert all(r.has_condition("mas") for r in cohort.values() if r.has_condition("sjia"))
    assert Counter(r.patient.sex.value for r in cohort.values()) == {"male": 18, "female": 15}


def test_table_1_ages(cohort: dict[str, PatientRecord]) -> None:
    at_diagnosis = []
    at_start = []
    for record in cohort.values():
        (diagnosis,) = [d for d in record.diagnoses if d.condition == main_diagnosis(record)]
        assert diagnosis.recorded is not None
        at_diagnosis.append(years(birth_midpoint(record), diagnosis.recorded))
        at_start.append(years(birth_midpoint(record), anakinra(record).start))
    assert statistics.median(at_diagnosis) == pytest.approx(6, abs=0.1)
    assert (min(at_diagnosis), max(at_diagnosis)) == (pytest.approx(4, abs=0.1), pytest.approx(13, abs=0.1))
    assert statistics.median(at_start) == pytest.approx(8, abs=0.1)
    assert (min(at_start), max(at_start)) == (pytest.approx(5, abs=0.1), pytest.approx(13.5, abs=0.1))
    assert all(s >= d for s, d in zip(at_start, at_diagnosis, strict=True))


def test_table_1_follow_up(cohort: dict[str, PatientRecord]) -> None:
    months = []
    for record in cohort.values():
        assert record.follow_up is not None
        months.append((record.follow_up[1] - anakinra(record).start).days / MONTH)
    assert statistics.median(months) == pytest.approx(14, abs=0.05)
    assert min(months) == pytest.approx(3.7, abs=0.05)
    assert max(months) == pytest.approx(28, abs=0.05)


@pytest.mark.parametrize(
    ("drug", "count"), [("colchicine", 22), ("methylprednisolone", 11), ("methotrexate", 4), ("ciclosporin", 6)]
)
def test_table_1_treatments_before_anakinra(cohort: dict[str, PatientRecord], drug: str, count: int) -> None:
    before = [r for r in cohort.values() if any(c.start < anakinra(r).start for c in r.courses_of(drug))]
    assert len(before) == count


def test_anakinra_starts_in_the_study_period_at_the_standard_dose(cohort: dict[str, PatientRecord]) -> None:
    heavy = 0
    for record in cohort.values():
        course = anakinra(record)
        assert date(2016, 7, 1) <= course.start <= date(2020, 7, 1)
        first = course.doses[0]
        weight = record.weight_on(course.start)
        assert weight is not None
        assert weight.measurement.value is not None
        if weight.measurement.value > 50:
            heavy += 1
            assert (first.amount, first.unit) == (100, "mg")
        else:
            assert (first.amount, first.unit) == (2, "mg/kg")
        assert first.frequency.value == "daily"
        assert (course.stop - course.start).days > 30 if course.stop else True, "over one month of anakinra"
    assert heavy == 1


# ----- Table 2 ----------------------------------------------------------------

# (group, measure): (printed mean, printed SD, decimals of the printed mean); platelets in /mm3, ferritin ng/mL.
BEFORE = {
    ("sjia", "crp"): (91.3, 32.8, 1),
    ("sjia", "esr"): (33.6, 9.6, 1),
    ("sjia", "platelets"): (240_272, 102_791, 0),
    ("sjia", "ferritin"): (4910, 599, 0),
    ("said", "aidai"): (14.8, 9.5, 1),
    ("said", "crp"): (99.3, 40.2, 1),
    ("said", "esr"): (52.4, 16.8, 1),
    ("said", "platelets"): (418_636, 69_084, 0),
}
AFTER = {
    ("sjia", "crp"): (13.5, 21.7, 1),
    ("sjia", "esr"): (18.9, 12.5, 1),
    ("sjia", "platelets"): (340_545, 83_820, 0),
    ("sjia", "ferritin"): (234, 203, 0),
    ("said", "aidai"): (1.3, 2, 1),
    ("said", "crp"): (4.5, 3.3, 1),
    ("said", "esr"): (14.3, 6, 1),
    ("said", "platelets"): (290_227, 52_887, 0),
}


def measure(record: PatientRecord, name: str, day: date) -> float:
    if name == "aidai":
        return aidai(record, day)
    value = number(record, name, day)
    return value * 1000 if name == "platelets" else value  # 10*9/L -> /mm3


def check_spread(values: list[float], mean: float, sd: float, decimals: int) -> None:
    got = statistics.mean(values)
    if decimals == 0 and mean > 10_000:  # platelet means are whole-thousand sums printed truncated
        assert math.floor(got) == mean
    else:
        assert round(got, decimals) == pytest.approx(mean)
    assert statistics.stdev(values) == pytest.approx(sd, rel=0.005)


@pytest.mark.parametrize("key", list(BEFORE), ids=["-".join(k) for k in BEFORE])
def test_table_2_before_treatment(cohort: dict[str, PatientRecord], key: tuple[str, str]) -> None:
    members = [r for r in cohort.values() if group(r) == key[0]]
    check_spread([measure(r, key[1], anakinra(r).start) for r in members], *BEFORE[key])


@pytest.mark.parametrize("key", list(AFTER), ids=["-".join(k) for k in AFTER])
def test_table_2_after_treatment(cohort: dict[str, PatientRecord], key: tuple[str, str]) -> None:
    members = [r for r in cohort.values() if group(r) == key[0]]
    check_spread([measure(r, key[1], after_day(r)) for r in members], *AFTER[key])


def test_table_3_baseline_crp_higher_in_said_partial_responders(cohort: dict[str, PatientRecord]) -> None:
    complete, other = [], []
    for record in cohort.values():
        if group(record) == "said":
            (complete if outcome(record, 12)[0] == "complete" else other).append(
                measure(record, "crp", anakinra(record).start)
            )
    assert statistics.mean(complete) == pytest.approx(86.5, abs=0.1)
    assert statistics.mean(other) == pytest.approx(121.7, abs=0.1)


# ----- globals, fever and CRP, adverse events ----------------------------------


def quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def test_global_assessments_at_baseline_and_last_visit(cohort: dict[str, PatientRecord]) -> None:
    physician0 = [number(r, "physician_global", anakinra(r).start) for r in cohort.values()]
    patient0 = [number(r, "patient_global", anakinra(r).start) for r in cohort.values()]
    assert quartiles(physician0) == (6, 7, 8)
    assert (min(physician0), max(physician0)) == (6, 8)
    assert quartiles(patient0) == (7, 8, 9)
    assert (min(patient0), max(patient0)) == (7, 9)
    physician = [number(r, "physician_global", assessments(r)[-1]) for r in cohort.values()]
    patient = [number(r, "patient_global", assessments(r)[-1]) for r in cohort.values()]
    assert quartiles(physician) == (0, 1, 3)
    assert quartiles(patient) == (0, 1, 2)
    survivors = [r for r in cohort.values() if not any(a.serious for a in r.adverse_events)]
    assert max(number(r, "physician_global", assessments(r)[-1]) for r in survivors) == 3
    assert max(number(r, "patient_global", assessments(r)[-1]) for r in survivors) == 2


def test_fever_resolves_in_median_2_days(cohort: dict[str, PatientRecord]) -> None:
    days = []
    for record in cohort.values():
        start = anakinra(record).start
        febrile = [f for f in record.findings_of("fever", start, start) if f.present]
        assert febrile, f"{record.patient.id} is febrile when anakinra starts"
        resolved = [f.start for f in record.findings if f.kind == "fever" and not f.present and f.start > start]
        if resolved and min(resolved) - start <= timedelta(days=7):
            assert max(f.last_day for f in febrile) == min(resolved) - timedelta(days=1)
            days.append((min(resolved) - start).days)
    assert len(days) == 32
    assert (statistics.median(days), min(days), max(days)) == (2, 1, 3)


def test_crp_normal_in_median_5_days(cohort: dict[str, PatientRecord]) -> None:
    days = []
    for record in cohort.values():
        start = anakinra(record).start
        crp = [o for o in record.values("crp") if o.date > start]
        first_normal = next(
            (
                o.date
                for o in crp
                if o.measurement.reference is not None
                and o.measurement.value is not None
                and o.measurement.value <= (o.measurement.reference.high or 0)
            ),
            None,
        )
        if first_normal is not None and first_normal - start <= timedelta(days=7):
            days.append((first_normal - start).days)
    assert len(days) == 31
    assert (statistics.median(days), min(days), max(days)) == (5, 5, 7)


def test_adverse_events(cohort: dict[str, PatientRecord]) -> None:
    events = [(r, a) for r in cohort.values() for a in r.adverse_events]
    reactions = [a for _, a in events if a.term == "injection site reaction"]
    assert len(reactions) == 2
    assert all(not a.serious and a.drug == "anakinra" for a in reactions)
    serious = [(r, a) for r, a in events if a.serious]
    assert len(serious) == 1
    record, death = serious[0]
    assert death.serious_criteria == {SeriousCriterion.DEATH}
    assert death.relatedness.value == "unrelated"
    assert death.outcome.value == "fatal"
    assert record.follow_up is not None
    assert record.follow_up[1] == death.onset
    assert all(d.date <= death.onset for d in record.encounters)


def test_every_sjia_patient_has_mas_at_baseline_and_findings_at_every_assessment(
    cohort: dict[str, PatientRecord],
) -> None:
    for record in (r for r in cohort.values() if group(r) == "sjia"):
        start = anakinra(record).start
        assert record.episodes_of(EpisodeKind.MAS, start, start), record.patient.id
        for day in assessments(record):
            for kind in (
                "fever",
                "evanescent_rash",
                "serositis",
                "splenomegaly",
                "generalised_lymphadenopathy",
                "uveitis",
                "arthritis",
            ):
                assert record.findings_of(kind, day, day), (record.patient.id, day, kind)


def test_every_said_patient_starts_anakinra_during_an_attack_with_a_full_diary(
    cohort: dict[str, PatientRecord],
) -> None:
    for record in (r for r in cohort.values() if group(r) == "said"):
        start = anakinra(record).start
        attacks = [e for e in record.episodes if e.kind in (EpisodeKind.FEVER_ATTACK, EpisodeKind.PERICARDITIS)]
        assert any(e.start < start <= (e.end or e.start) for e in attacks), record.patient.id
        assert any(start - timedelta(days=91) <= e.start < start for e in attacks)
        for visit in [start, *[e.date for e in record.encounters if e.kind is EncounterKind.SCHEDULED]]:
            rows = record.diary_between(visit - timedelta(days=30), visit - timedelta(days=1))
            assert len(rows) == 30
            assert all(len(row.items) == len(AIDAI_ITEMS) for row in rows)
