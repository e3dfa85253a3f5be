"""The cohort follow-up schedule (seed 004) on the synthetic demo cohort.

The demo cohort was built so that the month-3 visit falls on days 95-100 and
the month-12 visit on days 365-370 (docs/demo-data.md); patients who stop
anakinra first widen the interval to every other day; SAID patients keep a
diary for the 30 days before each assessment; one patient died on day 113.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from remit import protocols
from remit.core.medications import Dose, Frequency
from remit.demo import cohort_case_files
from remit.protocols.results import CaptureState, ProtocolStatus, Severity, StepState
from tests.protocols.records import cohort

SCHEDULE = protocols.get("cohort_followup_2021")
COHORT = [p.stem for p in cohort_case_files()]


def status_of(patient: str, days: int | None = None) -> ProtocolStatus:
    record = cohort(patient)
    if days is None:
        coverage = record.coverage()
        assert coverage is not None
        return protocols.protocol_status(record, SCHEDULE, coverage[1])
    course = record.courses_of("anakinra")[0]
    return protocols.protocol_status(record, SCHEDULE, course.start + timedelta(days=days))


def captures(status: ProtocolStatus, step: str) -> dict[str, str]:
    return {c.item.id: c.state.value for c in status.step(step).captures}


@pytest.mark.parametrize("patient", COHORT, ids=COHORT)
def test_every_demo_patient_has_the_assessments_the_paper_collected(patient: str) -> None:
    status = status_of(patient)
    assert status.step("baseline").state is StepState.DONE
    assert status.step("month_3").state is StepState.DONE
    expected_12 = StepState.NOT_EXPECTED if patient == "c21-12" else StepState.DONE
    assert status.step("month_12").state is expected_12
    assert not [a for a in status.alerts if a.code in ("assessment_overdue", "data_missing")]
    # the demo's patients who stopped anakinra for remission widened the interval first (as the paper did)
    assert "cessation_without_widening" not in [a.code for a in status.alerts]


def test_sjia_patient_captures_everything_but_aidai() -> None:
    status = status_of("c21-01")
    for step in ("baseline", "month_3", "month_12"):
        assert captures(status, step) == {
            "aidai": "not_applicable",
            "crp": "captured",
            "esr": "captured",
            "ferritin": "captured",
            "platelets": "captured",
            "physician_global": "captured",
            "patient_global": "captured",
        }
    assert status.step("month_3").on == status.start + timedelta(days=100)  # type: ignore[operator]
    assert not status.alerts


def test_interval_widening_is_detected_from_the_dose_frequency() -> None:
    widening = status_of("c21-01").step("interval_widening")
    assert widening.state is StepState.DETECTED
    assert widening.note == "detected on day 300"
    assert widening.evidence[0].text == (
        "anakinra daily -> every other day from 2017-05-12 (interval widened to every other day)"
    )
    assert status_of("c21-01").step("cessation").state is StepState.NOT_DETECTED


def test_said_patient_aidai_comes_from_the_diary_and_ferritin_does_not_apply() -> None:
    status = status_of("c21-02")
    baseline = {c.item.id: c for c in status.step("baseline").captures}
    assert baseline["ferritin"].state is CaptureState.NOT_APPLICABLE
    aidai = baseline["aidai"]
    # the demo diary covers the 30 days before the visit; the AIDAI instrument reads 31 days
    assert aidai.state is CaptureState.PARTIAL
    assert aidai.evidence[0].text.startswith("30 of 31 diary days recorded")
    partial = [a for a in status.alerts if a.code == "data_partial"]
    assert len(partial) == 3
    assert all(a.severity is Severity.INFO for a in partial)


def test_flares_during_the_interval_widening_are_flagged_with_the_papers_words() -> None:
    """c21-02 (FMF) flared twice while on every-other-day anakinra, then switched for inefficacy."""
    status = status_of("c21-02")
    flares = [a for a in status.alerts if a.code == "episode_during_widening"]
    assert [a.message.split(" during")[0] for a in flares] == [
        "fever attack from 2017-01-26",
        "fever attack from 2017-02-23",
    ]
    assert "Close monitoring of these patients is important during the interval widening" in flares[0].message
    cessation = status.step("cessation")
    assert cessation.state is StepState.NOT_DETECTED
    assert "stopped on 2017-03-03 (inefficacy), not for remission" in cessation.note


def test_cessation_in_remission_after_widening() -> None:
    status = status_of("c21-07")
    assert status.step("interval_widening").on is not None
    assert status.step("cessation").state is StepState.DETECTED
    assert status.step("interval_widening").on < status.step("cessation").on  # type: ignore[operator]


def test_cessation_without_a_recorded_widening_is_flagged() -> None:
    record = cohort("c21-07")
    course = record.courses_of("anakinra")[0]
    daily = dataclasses.replace(course, doses=(Dose(course.start, 2, "mg/kg", Frequency.DAILY),))
    record = dataclasses.replace(record, medications=tuple(daily if m is course else m for m in record.medications))
    coverage = record.coverage()
    assert coverage is not None
    status = protocols.protocol_status(record, SCHEDULE, coverage[1])
    assert status.step("interval_widening").state is StepState.NOT_DETECTED
    assert "cessation_without_widening" in [a.code for a in status.alerts]


def test_the_patient_who_died_has_no_month_12_visit_expected() -> None:
    status = status_of("c21-12")
    assert status.step("month_12").state is StepState.NOT_EXPECTED
    assert status.next_action.startswith("The record shows the patient died on 2017-11-18")


@pytest.mark.parametrize(
    ("days", "baseline", "month_3", "month_12"),
    [
        (-1, "not_started", "not_started", "not_started"),
        (0, "done", "upcoming", "upcoming"),
        (76, "done", "upcoming", "upcoming"),
        (81, "done", "due", "upcoming"),
        (100, "done", "done", "upcoming"),
        (340, "done", "done", "due"),
        (400, "done", "done", "done"),
    ],
    ids=["day -1", "day 0", "day 76", "day 81", "day 100", "day 340", "day 400"],
)
def test_visits_become_due_then_done(days: int, baseline: str, month_3: str, month_12: str) -> None:
    status = status_of("c21-01", days)
    assert [status.step(s).state.value for s in ("baseline", "month_3", "month_12")] == [baseline, month_3, month_12]


def test_a_due_visit_is_named_in_the_next_action() -> None:
    status = status_of("c21-01", 81)
    assert status.current_step == "month_3"
    assert "Next on the protocol: Month-3 assessment (due 2016-10-15)." in status.next_action
    assert [a.code for a in status.alerts] == ["assessment_due"]


def test_a_missed_month_3_visit_is_overdue_once_its_window_closes() -> None:
    record = cohort("c21-01")
    record = dataclasses.replace(record, encounters=tuple(e for e in record.encounters if e.month != 3))
    course = record.courses_of("anakinra")[0]
    status = protocols.protocol_status(record, SCHEDULE, course.start + timedelta(days=110))
    month_3 = status.step("month_3")
    assert month_3.state is StepState.OVERDUE
    overdue = next(a for a in status.alerts if a.code == "assessment_overdue")
    assert overdue.severity is Severity.WARNING
    assert (
        overdue.message == "Month-3 assessment: due 2016-10-15 (window 2016-10-01..2016-10-29); no visit is recorded."
    )
    assert "The protocol says the month-3 assessment is due between 2016-10-01 and 2016-10-29; none is recorded." in (
        status.next_action
    )


def test_a_value_missing_at_a_visit_is_a_missing_data_alert() -> None:
    record = cohort("c21-01")
    record = dataclasses.replace(record, observations=tuple(o for o in record.observations if o.id != "o-esr-month-3"))
    coverage = record.coverage()
    assert coverage is not None
    status = protocols.protocol_status(record, SCHEDULE, coverage[1])
    assert captures(status, "month_3")["esr"] == "missing"
    (missing,) = [a for a in status.alerts if a.code == "data_missing"]
    assert missing.message == "Month-3 assessment (2016-10-24): not recorded: ESR."
