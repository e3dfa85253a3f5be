"""The configurable symptom-free interval of the ESC 2015 recurrent-pericarditis definition."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from remit.catalogue.esc_2015_pericarditis import CRITERION, build
from remit.core.record import BirthDate, Episode, EpisodeKind, Patient, PatientRecord
from remit.rules.interpret import evaluate
from remit.rules.serialize import content_hash

INDEX = date(2020, 1, 10)
FIRST_END = INDEX - timedelta(days=190)


def _record(gap_days: int) -> PatientRecord:
    """An acute episode, then a second acute episode ``gap_days`` after it ended; complete history."""
    first = Episode(
        "ep1", EpisodeKind.PERICARDITIS, FIRST_END - timedelta(days=10), FIRST_END, ("chest_pain", "pericardial_rub")
    )
    start = FIRST_END + timedelta(days=gap_days)
    second = Episode(
        "ep2", EpisodeKind.PERICARDITIS, start, start + timedelta(days=7), ("chest_pain", "pericardial_effusion")
    )
    return PatientRecord(
        Patient("p", "test", birth=BirthDate(2012, 3)), episodes=(first, second), follow_up=(date(2011, 1, 1), INDEX)
    )


@pytest.mark.parametrize(
    ("weeks", "gap_days", "status"),
    [(6, 41, "not_met"), (6, 42, "met"), (4, 27, "not_met"), (4, 28, "met")],
    ids=[
        "6 weeks: 41 days is not met",
        "6 weeks: 42 days is met",
        "default: 27 days is not met",
        "default: 28 days is met",
    ],
)
def test_symptom_free_interval_is_configurable(weeks: int, gap_days: int, status: str) -> None:
    assert evaluate(build(weeks), _record(gap_days), INDEX).status == status


def test_default_is_four_weeks_and_the_value_used_is_recorded() -> None:
    assert build() == CRITERION
    six = build(6)
    assert content_hash(six) != content_hash(CRITERION)
    assert any("≥ 6 weeks" in caveat for caveat in six.caveats)


def test_the_four_to_six_week_flag_is_shown_only_below_six_weeks() -> None:
    result = evaluate(CRITERION, _record(35), INDEX)
    assert result.status == "met"
    assert result.outcome.find("recurrence.esc_upper").truth is not None
    assert result.outcome.find("recurrence.esc_upper").truth.status == "not_met"
    with pytest.raises(KeyError):
        evaluate(build(6), _record(50), INDEX).outcome.find("recurrence.esc_upper")
