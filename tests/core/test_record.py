"""PatientRecord: as-of queries, data coverage, age bounds and validation."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings

from remit.core.measurements import measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route
from remit.core.record import (
    AIDAI_ITEMS,
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    DiaryDay,
    Encounter,
    Episode,
    EpisodeKind,
    Finding,
    Observation,
    Patient,
    PatientRecord,
)
from remit.errors import RecordError
from tests.strategies import patient_records

D0 = date(2020, 3, 10)


def day(offset: int) -> date:
    return D0 + timedelta(days=offset)


def ferritin(obs_id: str, offset: int, value: str, at: time | None = None) -> Observation:
    return Observation(obs_id, measure("ferritin", value, "ng/mL"), day(offset), at)


def weight(obs_id: str, offset: int, kg: str) -> Observation:
    return Observation(obs_id, measure("weight", kg, "kg"), day(offset))


PATIENT = Patient("p1", "site-a", birth=BirthDate(2010, 5))


def record(**parts: object) -> PatientRecord:
    return PatientRecord(PATIENT, **parts)  # type: ignore[arg-type]


# --------------------------------------------------------------- values and latest


def test_values_in_a_window_are_inclusive_and_oldest_first() -> None:
    r = record(
        observations=(
            ferritin("f3", 3, "300"),
            ferritin("f1", -1, "100"),
            ferritin("f0", -5, "50"),
            ferritin("f2", 0, "200"),
        )
    )
    assert [o.id for o in r.values("ferritin", day(-1), day(3))] == ["f1", "f2", "f3"]
    assert [o.id for o in r.values("ferritin")] == ["f0", "f1", "f2", "f3"]
    assert [o.id for o in r.values("ferritin", end=day(-1))] == ["f0", "f1"]
    assert r.values("ferritin", day(4), day(9)) == ()
    assert r.values("crp") == ()


def test_values_on_the_same_day_are_ordered_by_time() -> None:
    r = record(observations=(ferritin("late", 0, "900", time(18)), ferritin("early", 0, "100", time(6))))
    assert [o.id for o in r.values("ferritin")] == ["early", "late"]
    assert r.latest("ferritin", day(0)).id == "late"  # type: ignore[union-attr]


def test_values_include_encounter_weights_and_finding_values() -> None:
    fever = Finding("fev", "fever", day(-1), value=measure("temperature", "39.5", "Cel"))
    visit = Encounter("e1", day(-2), weight=measure("weight", "21", "kg"), height=measure("height", "120", "cm"))
    r = record(encounters=(visit,), findings=(fever,))
    assert [o.measurement.value for o in r.values("temperature")] == [39.5]
    assert r.values("temperature")[0].id == "fev:value"
    assert [o.measurement.value for o in r.values("weight")] == [21]
    assert r.values("weight")[0].encounter == "e1"
    assert r.height_on(day(0)).measurement.value == 120  # type: ignore[union-attr]


def test_latest_looks_back_only_within_the_lookback() -> None:
    r = record(observations=(ferritin("old", -10, "100"), ferritin("recent", -3, "200"), ferritin("future", 2, "900")))
    assert r.latest("ferritin", day(0)).id == "recent"  # type: ignore[union-attr]
    assert r.latest("ferritin", day(0), timedelta(days=3)).id == "recent"  # type: ignore[union-attr]
    assert r.latest("ferritin", day(0), timedelta(days=2)) is None  # day -3 is outside a 2-day lookback
    assert r.latest("ferritin", day(-4)).id == "old"  # type: ignore[union-attr]
    assert r.latest("ferritin", day(-11)) is None


# --------------------------------------------------------------- nearest weight


def test_nearest_weight_tie_goes_to_the_earlier_value() -> None:
    r = record(observations=(weight("after", 2, "22"), weight("before", -2, "20")))
    assert r.weight_on(day(0)).id == "before"  # type: ignore[union-attr]


def test_nearest_weight_prefers_the_closer_value_even_if_later() -> None:
    r = record(observations=(weight("after", 1, "22"), weight("before", -2, "20")))
    assert r.weight_on(day(0)).id == "after"  # type: ignore[union-attr]


def test_nearest_weight_on_the_day_itself() -> None:
    r = record(observations=(weight("w-1", -1, "20"), weight("w0", 0, "21"), weight("w1", 1, "22")))
    assert r.weight_on(day(0)).id == "w0"  # type: ignore[union-attr]


def test_no_weight_recorded_is_none() -> None:
    assert record().weight_on(D0) is None


# --------------------------------------------------------------- findings


def test_findings_of_returns_those_overlapping_the_window() -> None:
    r = record(
        findings=(
            Finding("span", "arthritis", day(1), end=day(10)),
            Finding("before", "arthritis", day(-5), end=day(4)),
            Finding("after", "arthritis", day(7)),
            Finding("absent", "arthritis", day(5), present=False),
            Finding("other", "fever", day(5)),
        )
    )
    assert [f.id for f in r.findings_of("arthritis", day(5), day(6))] == ["span", "absent"]
    assert [f.id for f in r.findings_of("arthritis", day(4), day(4))] == ["before", "span"]  # end day is inclusive
    assert [f.id for f in r.findings_of("arthritis", day(7), day(7))] == ["span", "after"]  # start day is inclusive
    assert [f.id for f in r.findings_of("arthritis", day(11), None)] == []
    assert [f.id for f in r.findings_of("arthritis")] == ["before", "span", "absent", "after"]


def test_finding_attribute_lookup() -> None:
    f = Finding("f", "fever", D0, attributes=(("pattern", "quotidian"), ("site", "axillary")))
    assert f.attribute("pattern") == "quotidian"
    assert f.attribute("missing") is None
    assert f.last_day == D0


# --------------------------------------------------------------- medications


def anakinra(stop: date | None = None, doses: tuple[Dose, ...] = ()) -> MedicationCourse:
    return MedicationCourse("m1", "anakinra", Route.SC, date(2020, 1, 1), doses, stop)


def test_active_medications_include_start_and_stop_days() -> None:
    r = record(
        medications=(
            anakinra(stop=date(2020, 3, 31)),
            MedicationCourse("m2", "methotrexate", Route.ORAL, date(2020, 2, 1)),
        )
    )
    assert [m.id for m in r.active_medications(date(2019, 12, 31))] == []
    assert [m.id for m in r.active_medications(date(2020, 1, 1))] == ["m1"]
    assert [m.id for m in r.active_medications(date(2020, 3, 31))] == ["m1", "m2"]
    assert [m.id for m in r.active_medications(date(2020, 4, 1))] == ["m2"]
    assert [m.id for m in r.courses_of("anakinra")] == ["m1"]


STEPS = (
    Dose(date(2020, 1, 1), 2, "mg/kg", Frequency.DAILY, "2 mg/kg/d"),
    Dose(date(2020, 2, 1), 4, "mg/kg", Frequency.DAILY, "4 mg/kg/d"),
    Dose(date(2020, 3, 1), 100, "mg", Frequency.EVERY_OTHER_DAY),
)


@pytest.mark.parametrize("doses", [STEPS, STEPS[::-1]], ids=["in order", "out of order"])
def test_dose_on_picks_the_step_in_force(doses: tuple[Dose, ...]) -> None:
    course = anakinra(stop=date(2020, 6, 30), doses=doses)
    assert course.dose_on(date(2019, 12, 31)) is None  # before the course
    assert course.dose_on(date(2020, 1, 1)).amount == 2  # type: ignore[union-attr]
    assert course.dose_on(date(2020, 1, 31)).amount == 2  # type: ignore[union-attr]
    assert course.dose_on(date(2020, 2, 1)).amount == 4  # type: ignore[union-attr]
    assert course.dose_on(date(2020, 6, 30)).amount == 100  # type: ignore[union-attr]
    assert course.dose_on(date(2020, 7, 1)) is None  # after the stop


def test_dose_on_before_the_first_step_is_none() -> None:
    course = anakinra(doses=(Dose(date(2020, 1, 15), 2, "mg/kg", Frequency.DAILY),))
    assert course.active_on(date(2020, 1, 10))
    assert course.dose_on(date(2020, 1, 10)) is None


def test_frequency_intervals() -> None:
    assert Frequency.DAILY.interval_hours == 24
    assert Frequency.TWICE_WEEKLY.interval_hours == 84
    assert Frequency.ONCE.interval_hours is None


# --------------------------------------------------------------- coverage


def test_declared_follow_up_is_the_coverage() -> None:
    r = record(observations=(ferritin("f", 0, "100"),), follow_up=(day(-100), day(100)))
    assert r.coverage() == (day(-100), day(100))
    assert r.covers(day(-100), day(100))
    assert r.covers(day(-3), day(0))
    assert not r.covers(day(-101), day(0))
    assert not r.covers(day(0), day(101))


def test_coverage_defaults_to_first_and_last_dated_fact() -> None:
    r = record(
        diagnoses=(Diagnosis("dx", "sjia", onset=day(-30)),),
        observations=(ferritin("f", 0, "100"),),
        episodes=(Episode("ep", EpisodeKind.FLARE, day(5)),),
        diary=(DiaryDay(day(7), (("fever", True),)),),
    )
    assert r.coverage() == (day(-30), day(7))
    assert r.covers(day(-30), day(7))
    assert not r.covers(day(-31), day(0))


def test_empty_record_covers_nothing() -> None:
    r = record()
    assert r.coverage() is None
    assert not r.covers(D0, D0)


# --------------------------------------------------------------- birth date and age


def test_year_month_birth_date_spans_the_month() -> None:
    assert BirthDate(2010, 5).earliest() == date(2010, 5, 1)
    assert BirthDate(2010, 5).latest() == date(2010, 5, 31)
    assert BirthDate(2010, 2).latest() == date(2010, 2, 28)
    assert BirthDate(2012, 2).latest() == date(2012, 2, 29)
    assert BirthDate(2010, 12).latest() == date(2010, 12, 31)
    assert BirthDate(2010, 5).iso() == "2010-05"
    assert BirthDate(2010, 5, 7).iso() == "2010-05-07"


def test_age_bounds_for_a_year_month_birth_date() -> None:
    youngest, oldest = BirthDate(2010, 5).age_years(date(2020, 5, 15))
    # born 31 May 2010 at the latest: 9 years and 350 of the 366 days to 31 May 2020
    assert youngest == pytest.approx(9 + 350 / 366)
    # born 1 May 2010 at the earliest: 10 years and 14 of the 365 days to 1 May 2021
    assert oldest == pytest.approx(10 + 14 / 365)


def test_age_with_a_full_birth_date_is_a_point() -> None:
    youngest, oldest = BirthDate(2010, 5, 7).age_years(date(2020, 5, 7))
    assert youngest == oldest == 10


def test_age_across_29_february() -> None:
    youngest, oldest = BirthDate(2012, 2, 29).age_years(date(2016, 2, 29))
    assert youngest == oldest == 4


@pytest.mark.parametrize(("year", "month", "day_"), [(2010, 13, None), (2010, 0, None), (2010, 2, 30)])
def test_invalid_birth_date_is_refused(year: int, month: int, day_: int | None) -> None:
    with pytest.raises(ValueError, match=r"month|day"):
        BirthDate(year, month, day_)


# --------------------------------------------------------------- validation


def test_duplicate_ids_in_one_section_are_refused() -> None:
    with pytest.raises(RecordError, match="duplicate id 'f'") as caught:
        record(observations=(ferritin("f", 0, "100"), ferritin("f", 1, "200")))
    assert caught.value.field == "observations"
    assert caught.value.code == "record_error"


def test_duplicate_ids_across_sections_are_refused() -> None:
    with pytest.raises(RecordError, match="duplicate id 'x'") as caught:
        record(observations=(ferritin("x", 0, "100"),), findings=(Finding("x", "fever", D0),))
    assert caught.value.field == "findings"


def test_course_that_stops_before_it_starts_is_refused() -> None:
    with pytest.raises(RecordError, match="stops") as caught:
        record(medications=(anakinra(stop=date(2019, 12, 31)),))
    assert caught.value.field == "medications"


def test_course_may_stop_on_its_first_day() -> None:
    assert record(medications=(anakinra(stop=date(2020, 1, 1)),)).medications[0].active_on(date(2020, 1, 1))


def test_dose_step_before_the_course_start_is_refused() -> None:
    with pytest.raises(RecordError, match="precedes"):
        record(medications=(anakinra(doses=(Dose(date(2019, 12, 1), 2, "mg/kg", Frequency.DAILY),)),))


@pytest.mark.parametrize("section", ["findings", "episodes"])
def test_span_that_ends_before_it_starts_is_refused(section: str) -> None:
    item: object
    if section == "findings":
        item = Finding("x", "fever", day(0), end=day(-1))
    else:
        item = Episode("x", EpisodeKind.FEVER_ATTACK, day(0), end=day(-1))
    with pytest.raises(RecordError, match="ends before it starts") as caught:
        record(**{section: (item,)})
    assert caught.value.field == section


def test_diary_day_refuses_unknown_items() -> None:
    with pytest.raises(RecordError, match="unknown AIDAI items") as caught:
        DiaryDay(D0, (("fever", True), ("sneezing", True)))
    assert caught.value.field == "items"
    assert "sneezing" in caught.value.message


def test_diary_day_answers() -> None:
    diary = DiaryDay(D0, (("fever", True), ("skin_rash", False)))
    assert diary.answer("fever") is True
    assert diary.answer("skin_rash") is False
    assert diary.answer("headaches") is None  # not answered
    assert len(AIDAI_ITEMS) == 12


def test_diary_between_is_inclusive() -> None:
    r = record(diary=tuple(DiaryDay(day(i), ()) for i in (3, 0, 1, 2)))
    assert [d.date for d in r.diary_between(day(1), day(2))] == [day(1), day(2)]
    assert [d.date for d in r.diary] == [day(0), day(1), day(2), day(3)]


def test_has_condition_ignores_refuted_diagnoses() -> None:
    r = record(diagnoses=(Diagnosis("d1", "mas", status=DiagnosisStatus.REFUTED), Diagnosis("d2", "sjia")))
    assert r.has_condition("sjia")
    assert not r.has_condition("mas")
    assert not r.has_condition("fmf")


def test_episodes_of_overlap_the_window() -> None:
    r = record(
        episodes=(
            Episode("a", EpisodeKind.FEVER_ATTACK, day(0), end=day(2)),
            Episode("b", EpisodeKind.FEVER_ATTACK, day(10)),
            Episode("c", EpisodeKind.FLARE, day(1)),
        )
    )
    assert [e.id for e in r.episodes_of(EpisodeKind.FEVER_ATTACK, day(2), day(9))] == ["a"]
    assert [e.id for e in r.episodes_of(EpisodeKind.FEVER_ATTACK)] == ["a", "b"]


# --------------------------------------------------------------- properties


@settings(deadline=None, max_examples=60)
@given(patient_records())
def test_any_valid_record_is_sorted_and_its_coverage_spans_its_facts(r: PatientRecord) -> None:
    obs_keys = [(o.date, o.time or time(), o.id) for o in r.observations]
    assert obs_keys == sorted(obs_keys)
    assert [f.start for f in r.findings] == sorted(f.start for f in r.findings)
    span = r.coverage()
    facts = list(r.dated_facts())
    if r.follow_up is None:
        assert (span is None) == (not facts)
        if span is not None:
            assert all(span[0] <= d <= span[1] for d in facts)
    for obs in r.observations:
        assert obs in r.values(obs.analyte, obs.date, obs.date)
