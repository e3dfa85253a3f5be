"""Cohorts defined in code and data: an index event, inclusion rules, diagnosis groups.

A :class:`Cohort` is an immutable description (it serialises to a plain dict
for the report's provenance); :meth:`Cohort.select` applies it to records and
returns a :class:`CohortSelection` with every member's index date and an
attrition table that says how many patients each rule removed, in order.

The rules, in the order they are applied:

1. ``index_event`` — a course of the index drug is recorded; the index date is
   the start of its first course.
2. ``date_range`` — the index date lies in ``start`` … ``end`` (inclusive).
3. ``diagnosis`` — the patient has one of the cohort's diagnoses (condition
   ids). The member's diagnosis is the indication of the index course when it
   is one of them, otherwise the first of the cohort's diagnoses the patient
   has. The diagnosis group (``sjia`` or ``said``) is that condition's group in
   :mod:`remit.core.conditions`.
4. ``min_exposure`` — the index course lasted at least ``min_exposure_months``
   (stop − start in days, or end of follow-up − start while ongoing).
5. ``min_follow_up`` — the record's data coverage reaches
   ``min_follow_up_months`` after the index date. A patient who died before
   (an adverse event with the seriousness criterion "death" or a fatal
   outcome) is kept when ``keep_deaths`` is true and flagged, as the paper
   keeps the child who died of refractory MAS at 3.7 months.

Months are 30.4375 days (365.25 / 12).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from remit.core.conditions import condition
from remit.core.medications import MedicationCourse
from remit.core.record import (
    AdverseEventOutcome,
    PatientRecord,
    SeriousCriterion,
)
from remit.errors import UnknownCodeError

if TYPE_CHECKING:
    import pandas as pd

MONTH_DAYS = 30.4375


def months(days: float) -> float:
    """Days as months of 30.4375 days."""
    return days / MONTH_DAYS


@dataclass(frozen=True, slots=True)
class Cohort:
    """An index event and the inclusion rules of a study cohort."""

    name: str
    title: str
    index_drug: str = "anakinra"
    diagnoses: tuple[str, ...] = ()  # condition ids in priority order; empty = any diagnosis
    start: date | None = None  # earliest index date
    end: date | None = None  # latest index date
    min_exposure_months: float = 1.0
    min_follow_up_months: float = 12.0
    keep_deaths: bool = True
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["diagnoses"] = list(self.diagnoses)
        data["start"] = self.start.isoformat() if self.start else None
        data["end"] = self.end.isoformat() if self.end else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cohort:
        values = dict(data)
        values["diagnoses"] = tuple(values.get("diagnoses", ()))
        for key in ("start", "end"):
            if isinstance(values.get(key), str):
                values[key] = date.fromisoformat(values[key])
        return cls(**values)

    def select(self, records: Iterable[PatientRecord]) -> CohortSelection:
        """Apply the rules in order; every record ends up a member or excluded by exactly one rule."""
        pool = list(records)
        steps: list[AttritionStep] = []
        excluded: dict[str, str] = {}

        def record_step(rule: str, label: str, before: int, kept: list[_Candidate], removed: list[str]) -> None:
            for pid in removed:
                excluded[pid] = rule
            exceptions = tuple(
                sorted(
                    c.record.patient.id for c in kept if rule == "min_follow_up" and not self._followed_long_enough(c)
                )
            )
            steps.append(
                AttritionStep(rule, label, before, len(removed), len(kept), tuple(sorted(removed)), exceptions)
            )

        found = [(r, self._index_event(r)) for r in pool]
        candidates = [c for _, c in found if c is not None]
        record_step(
            "index_event",
            f"a course of {self.index_drug} is recorded",
            len(pool),
            candidates,
            [r.patient.id for r, c in found if c is None],
        )
        for rule, label, test in self._rules():
            judged = [(c, test(c)) for c in candidates]
            before = len(candidates)
            candidates = [c for c, ok in judged if ok]
            record_step(rule, label, before, candidates, [c.record.patient.id for c, ok in judged if not ok])
        members = tuple(sorted((self._member(c) for c in candidates), key=lambda m: m.patient_id))
        return CohortSelection(self, members, tuple(steps), MappingProxyType(excluded), len(pool))

    # ----- the rules ---------------------------------------------------------

    def _index_event(self, record: PatientRecord) -> _Candidate | None:
        courses = record.courses_of(self.index_drug)
        if not courses:
            return None
        return _Candidate(record, min(courses, key=lambda c: (c.start, c.id)))

    def _rules(self) -> list[tuple[str, str, Callable[[_Candidate], bool]]]:
        rules: list[tuple[str, str, Callable[[_Candidate], bool]]] = []
        if self.start is not None or self.end is not None:
            span = f"{self.start or '…'} to {self.end or '…'}"
            rules.append(("date_range", f"index date from {span}", self._in_range))
        if self.diagnoses:
            rules.append(("diagnosis", "diagnosis one of " + ", ".join(self.diagnoses), self._diagnosed))
        if self.min_exposure_months > 0:
            rules.append(
                ("min_exposure", f"{self.index_drug} for at least {self.min_exposure_months:g} month(s)", self._exposed)
            )
        if self.min_follow_up_months > 0:
            label = f"follow-up of at least {self.min_follow_up_months:g} months"
            if self.keep_deaths:
                label += " (patients who died before are kept)"
            rules.append(("min_follow_up", label, self._followed))
        return rules

    def _in_range(self, c: _Candidate) -> bool:
        start = c.course.start
        return (self.start is None or start >= self.start) and (self.end is None or start <= self.end)

    def _diagnosed(self, c: _Candidate) -> bool:
        return self.diagnosis_of(c.record, c.course) is not None

    def _exposed(self, c: _Candidate) -> bool:
        end = c.course.stop or _coverage_end(c.record)
        return end is not None and (end - c.course.start).days >= self.min_exposure_months * MONTH_DAYS

    def _followed_long_enough(self, c: _Candidate) -> bool:
        end = _coverage_end(c.record)
        return end is not None and (end - c.course.start).days >= self.min_follow_up_months * MONTH_DAYS

    def _followed(self, c: _Candidate) -> bool:
        if self._followed_long_enough(c):
            return True
        return self.keep_deaths and death_date(c.record) is not None

    def diagnosis_of(self, record: PatientRecord, course: MedicationCourse) -> str | None:
        """The member's diagnosis: the index course's indication if allowed, else the first allowed one recorded."""
        allowed = self.diagnoses
        if (
            course.indication is not None
            and record.has_condition(course.indication)
            and (not allowed or course.indication in allowed)
        ):
            return course.indication
        if not allowed:
            return next((d.condition for d in record.diagnoses), None)
        return next((c for c in allowed if record.has_condition(c)), None)

    def _member(self, c: _Candidate) -> Member:
        diagnosis = self.diagnosis_of(c.record, c.course)
        assert diagnosis is not None, "members passed the diagnosis rule"
        end = _coverage_end(c.record)
        died = death_date(c.record)
        short = end is None or (end - c.course.start).days < self.min_follow_up_months * MONTH_DAYS
        return Member(
            record=c.record,
            index_date=c.course.start,
            index_course=c.course,
            diagnosis=diagnosis,
            group=condition(diagnosis).group,
            follow_up_end=end,
            died=died,
            kept_after_death=self.min_follow_up_months > 0 and short and died is not None,
        )


@dataclass(frozen=True, slots=True)
class _Candidate:
    record: PatientRecord
    course: MedicationCourse


def _coverage_end(record: PatientRecord) -> date | None:
    span = record.coverage()
    return span[1] if span is not None else None


def death_date(record: PatientRecord) -> date | None:
    """The onset of the first adverse event recording a death (seriousness 'death' or a fatal outcome)."""
    deaths = [
        a.onset
        for a in record.adverse_events
        if SeriousCriterion.DEATH in a.serious_criteria or a.outcome is AdverseEventOutcome.FATAL
    ]
    return min(deaths) if deaths else None


@dataclass(frozen=True, slots=True)
class Member:
    """One patient of the cohort, with the index event."""

    record: PatientRecord
    index_date: date
    index_course: MedicationCourse
    diagnosis: str
    group: str
    follow_up_end: date | None
    died: date | None = None
    kept_after_death: bool = False  # follow-up shorter than the minimum, kept because the patient died

    @property
    def patient_id(self) -> str:
        return self.record.patient.id

    @property
    def follow_up_months(self) -> float | None:
        if self.follow_up_end is None:
            return None
        return months((self.follow_up_end - self.index_date).days)

    def day(self, n: int) -> date:
        """The date ``n`` days after the index date."""
        return self.index_date + timedelta(days=n)


@dataclass(frozen=True, slots=True)
class AttritionStep:
    rule: str
    label: str
    before: int
    removed: int
    after: int
    removed_ids: tuple[str, ...] = ()
    kept_by_exception: tuple[str, ...] = ()  # kept although short of the rule (died before the minimum follow-up)


@dataclass(frozen=True, slots=True)
class CohortSelection:
    """The result of :meth:`Cohort.select`."""

    cohort: Cohort
    members: tuple[Member, ...]
    attrition: tuple[AttritionStep, ...]
    excluded: Mapping[str, str] = field(default_factory=dict)  # patient id -> rule that removed it
    screened: int = 0

    @property
    def summary(self) -> pd.DataFrame:
        """The attrition table: one row per rule, in order."""
        import pandas as pd

        rows = [
            {
                "rule": s.rule,
                "description": s.label,
                "before": s.before,
                "removed": s.removed,
                "after": s.after,
                "removed_patients": " ".join(s.removed_ids),
                "note": f"kept after death before the minimum: {' '.join(s.kept_by_exception)}"
                if s.kept_by_exception
                else "",
            }
            for s in self.attrition
        ]
        return pd.DataFrame(
            rows, columns=["rule", "description", "before", "removed", "after", "removed_patients", "note"]
        )

    def member(self, patient_id: str) -> Member:
        for m in self.members:
            if m.patient_id == patient_id:
                return m
        raise KeyError(patient_id)


ANAKINRA_2021 = Cohort(
    name="anakinra-2021",
    title="Children treated with anakinra, single centre, July 2016 - July 2020 (Arch Rheumatol 2021)",
    index_drug="anakinra",
    diagnoses=("sjia", "fmf", "mkd", "caps", "traps", "recurrent_pericarditis", "naps12", "unclassified_said"),
    start=date(2016, 7, 1),
    end=date(2020, 7, 1),
    min_exposure_months=1.0,
    min_follow_up_months=12.0,
    keep_deaths=True,
    description=(
        "Seed paper 004: patients treated with anakinra between 1 July 2016 and 1 July 2020, with more than one "
        "month of anakinra and at least one year of follow-up. The child who died of refractory MAS at 3.7 "
        "months is in the paper's 33, so patients who died before 12 months are kept."
    ),
)

ANAKINRA_ANY = Cohort(
    name="anakinra",
    title="Every patient with a course of anakinra",
    index_drug="anakinra",
    min_exposure_months=0.0,
    min_follow_up_months=0.0,
    description="No inclusion rule beyond a recorded anakinra course (for case series such as the seed reports).",
)

COHORTS: Mapping[str, Cohort] = MappingProxyType({c.name: c for c in (ANAKINRA_2021, ANAKINRA_ANY)})


def get_cohort(name: str) -> Cohort:
    try:
        return COHORTS[name]
    except KeyError:
        raise UnknownCodeError(f"unknown cohort {name!r}; known: {', '.join(COHORTS)}", field="cohort") from None
