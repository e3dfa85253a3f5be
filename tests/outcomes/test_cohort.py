"""Cohort selection: index event, the inclusion rules in order, and the attrition table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from remit.core.medications import StopReason
from remit.errors import UnknownCodeError
from remit.outcomes import COHORTS, Cohort, CohortSelection, get_cohort
from tests.outcomes.records import START, course, record

STUDY = Cohort(
    name="test",
    title="test cohort",
    diagnoses=("sjia", "fmf"),
    start=date(2016, 7, 1),
    end=date(2020, 7, 1),
    min_exposure_months=1,
    min_follow_up_months=12,
)


def test_the_demo_cohort_keeps_all_33_and_the_child_who_died_by_the_death_rule(selection: CohortSelection) -> None:
    assert len(selection.members) == 33
    assert [s.rule for s in selection.attrition] == [
        "index_event",
        "date_range",
        "diagnosis",
        "min_exposure",
        "min_follow_up",
    ]
    assert all(s.removed == 0 for s in selection.attrition)
    follow_up = selection.attrition[-1]
    assert follow_up.kept_by_exception == ("c21-12",)
    died = selection.member("c21-12")
    assert died.kept_after_death
    assert died.follow_up_months == pytest.approx(3.7, abs=0.05)


def test_groups_and_diagnoses_follow_the_index_course_and_the_condition_groups(selection: CohortSelection) -> None:
    groups = {m.patient_id: (m.group, m.diagnosis) for m in selection.members}
    assert groups["c21-01"] == ("sjia", "sjia")  # also has a MAS diagnosis; the anakinra indication is sJIA
    assert groups["c21-02"] == ("said", "fmf")
    assert sum(g == "sjia" for g, _ in groups.values()) == 11
    assert sum(g == "said" for g, _ in groups.values()) == 22


def test_every_rule_removes_its_patients_and_the_table_counts_them() -> None:
    records = [
        record("ok"),
        record("no-anakinra", medications=(course("canakinumab"),)),
        record("too-early", medications=(course(start=date(2015, 1, 1)),)),
        record("other-diagnosis", conditions=("caps",)),
        record("short-exposure", medications=(course(stop=START + timedelta(days=20), reason=StopReason.OTHER),)),
        record("short-follow-up", follow_up_days=200),
        record("died", follow_up_days=100, died_on=START + timedelta(days=100)),
    ]
    selection = STUDY.select(records)
    assert [m.patient_id for m in selection.members] == ["died", "ok"]
    assert dict(selection.excluded) == {
        "no-anakinra": "index_event",
        "too-early": "date_range",
        "other-diagnosis": "diagnosis",
        "short-exposure": "min_exposure",
        "short-follow-up": "min_follow_up",
    }
    table = selection.summary
    assert table["before"].tolist() == [7, 6, 5, 4, 3]
    assert table["removed"].tolist() == [1, 1, 1, 1, 1]
    assert table["after"].tolist() == [6, 5, 4, 3, 2]
    assert table["note"].iloc[-1] == "kept after death before the minimum: died"


def test_deaths_are_excluded_too_when_the_cohort_says_so() -> None:
    strict = replace(STUDY, keep_deaths=False)
    selection = strict.select([record("died", follow_up_days=100, died_on=START + timedelta(days=100))])
    assert selection.members == ()
    assert selection.excluded["died"] == "min_follow_up"


def test_one_month_of_exposure_is_30_4375_days() -> None:
    just_short = record("short", medications=(course(stop=START + timedelta(days=30), reason=StopReason.OTHER),))
    enough = record("enough", medications=(course(stop=START + timedelta(days=31), reason=StopReason.OTHER),))
    selection = STUDY.select([just_short, enough])
    assert [m.patient_id for m in selection.members] == ["enough"]


def test_the_index_date_is_the_first_course_of_the_index_drug() -> None:
    first = course(start=START, stop=START + timedelta(days=60), reason=StopReason.REMISSION, course_id="m-1")
    again = course(start=START + timedelta(days=200), course_id="m-2")
    (member,) = STUDY.select([record(medications=(again, first))]).members
    assert member.index_date == START
    assert member.index_course.id == "m-1"


def test_a_cohort_round_trips_through_plain_data() -> None:
    for cohort in COHORTS.values():
        assert Cohort.from_dict(cohort.to_dict()) == cohort


def test_an_unknown_cohort_name_says_which_exist() -> None:
    with pytest.raises(UnknownCodeError, match="anakinra-2021"):
        get_cohort("nope")
