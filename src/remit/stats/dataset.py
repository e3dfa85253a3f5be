"""The analysis dataset: a cohort selection and its derived outcomes as tidy frames.

:func:`analyse` selects the cohort and derives every member's outcomes;
the ``*_frame`` functions turn the result into the pandas frames the tables
are fitted on. Everything clinical was decided by :mod:`remit.outcomes`; here
values are only arranged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from remit.core.conditions import condition
from remit.core.record import PatientRecord
from remit.outcomes import Cohort, CohortSelection, Member, OutcomeParameters, PatientOutcomes, derive
from remit.outcomes.cohort import MONTH_DAYS
from remit.outcomes.measures import measure

GROUP_LABELS = {"sjia": "sJIA", "said": "SAID"}
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Analysis:
    """A selected cohort, the parameters and every member's derived outcomes (same order as the members)."""

    selection: CohortSelection
    params: OutcomeParameters
    outcomes: tuple[PatientOutcomes, ...]
    _by_id: dict[str, tuple[Member, PatientOutcomes]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_id.update({m.patient_id: (m, o) for m, o in zip(self.selection.members, self.outcomes, strict=True)})

    def pairs(self) -> Iterable[tuple[Member, PatientOutcomes]]:
        return zip(self.selection.members, self.outcomes, strict=True)

    def member(self, patient_id: str) -> Member:
        return self._by_id[patient_id][0]

    def outcome(self, patient_id: str) -> PatientOutcomes:
        return self._by_id[patient_id][1]


def analyse(records: Iterable[PatientRecord], cohort: Cohort, params: OutcomeParameters | None = None) -> Analysis:
    chosen = params or OutcomeParameters()
    selection = cohort.select(records)
    return Analysis(selection, chosen, tuple(derive(m, chosen) for m in selection.members))


def diagnosis_label(condition_id: str) -> str:
    return condition(condition_id).name


def _age(member: Member, on: date | None) -> float:
    birth = member.record.patient.birth
    if birth is None or on is None:
        return float("nan")
    earliest, latest = birth.earliest(), birth.latest()
    middle = earliest + (latest - earliest) / 2
    return (on - middle).days / DAYS_PER_YEAR


def _diagnosed_on(member: Member) -> date | None:
    found = [d for d in member.record.diagnoses if d.condition == member.diagnosis]
    if not found:
        return None
    first = found[0]
    return first.recorded or first.onset


def patients_frame(analysis: Analysis) -> pd.DataFrame:
    """One row per member: demographics, follow-up, exposure and prior treatments (``prior:<drug>`` yes/no)."""
    rows = []
    prior_drugs: set[str] = set()
    for member, _ in analysis.pairs():
        prior_drugs |= {
            c.drug
            for c in member.record.medications
            if c.start < member.index_date and c.drug != member.index_course.drug
        }
    for member, outcome in analysis.pairs():
        before = {c.drug for c in member.record.medications if c.start < member.index_date}
        row: dict[str, object] = {
            "patient_id": member.patient_id,
            "group": GROUP_LABELS.get(member.group, member.group),
            "diagnosis": diagnosis_label(member.diagnosis),
            "sex": member.record.patient.sex.value,
            "age_at_diagnosis": _age(member, _diagnosed_on(member)),
            "age_at_index": _age(member, member.index_date),
            "follow_up_months": member.follow_up_months,
            "exposure_months": outcome.exposure_days / MONTH_DAYS,
        }
        for drug in sorted(prior_drugs):
            row[f"prior:{drug}"] = "yes" if drug in before else "no"
        rows.append(row)
    return pd.DataFrame(rows)


def outcomes_frame(analysis: Analysis) -> pd.DataFrame:
    """One row per member and time point (the columns of outcomes.csv first, then the details used by Tables 4/5)."""
    rows = []
    for member, outcome in analysis.pairs():
        course = member.index_course
        for tp in outcome.timepoints:
            stopped = course.stop is not None and course.stop < tp.when
            switched = tp.switched
            rows.append(
                {
                    "patient_id": member.patient_id,
                    "diagnosis_group": member.group,
                    "diagnosis": member.diagnosis,
                    "timepoint_months": tp.month,
                    "response": tp.response.value.value,
                    "remission": tp.remission.value.value,
                    "on_index_drug": "yes" if tp.on_index_drug.value else "no",
                    "switched_to": switched.drug if switched else "",
                    "switch_reason": switched.reason if switched else "",
                    "assessment_date": tp.assessment.isoformat() if tp.assessment else "",
                    "how": tp.how,
                    "stopped_by_timepoint": stopped,
                    "stop_reason_by_timepoint": (course.stop_reason.value if stopped and course.stop_reason else ""),
                    "teae_by_timepoint": sum(a.onset <= tp.when for a in outcome.treatment_emergent.value),
                    "serious_teae_by_timepoint": sum(
                        a.onset <= tp.when for a in outcome.serious_treatment_emergent.value
                    ),
                    "deaths_by_timepoint": int(member.died is not None and member.died <= tp.when),
                    "explanation": tp.response.because.text,
                }
            )
    return pd.DataFrame(rows)


OUTCOME_COLUMNS = (
    "patient_id",
    "diagnosis_group",
    "diagnosis",
    "timepoint_months",
    "response",
    "remission",
    "on_index_drug",
    "switched_to",
    "switch_reason",
)


def measures_frame(analysis: Analysis, names: Sequence[str], *, when: str) -> pd.DataFrame:
    """Long frame (patient_id, group, measure, value) of ``names`` at ``when``: ``baseline`` (the index date)
    or ``follow_up`` (the assessment of the last time point, else the last assessment)."""
    rows = []
    for member, outcome in analysis.pairs():
        day = member.index_date if when == "baseline" else outcome.follow_up_assessment
        for name in names:
            value = None if day is None else measure(name).at(member.record, day).value
            rows.append(
                {
                    "patient_id": member.patient_id,
                    "group": GROUP_LABELS.get(member.group, member.group),
                    "measure": name,
                    "value": value,
                }
            )
    return pd.DataFrame(rows, columns=["patient_id", "group", "measure", "value"])


def paired_frame(analysis: Analysis, names: Sequence[str]) -> pd.DataFrame:
    """(patient_id, group, measure, before, after): baseline and follow-up of each measure."""
    before = measures_frame(analysis, names, when="baseline").rename(columns={"value": "before"})
    after = measures_frame(analysis, names, when="follow_up").rename(columns={"value": "after"})
    return before.merge(after, on=["patient_id", "group", "measure"], how="outer")


def retention_frame(analysis: Analysis) -> pd.DataFrame:
    """Time on the index drug (months), whether it was stopped, and why (one row per member)."""
    rows = [
        {
            "patient_id": m.patient_id,
            "group": GROUP_LABELS.get(m.group, m.group),
            "months": o.exposure_days / MONTH_DAYS,
            "stopped": o.stopped,
            "reason": o.stop_reason or "",
        }
        for m, o in analysis.pairs()
    ]
    return pd.DataFrame(rows, columns=["patient_id", "group", "months", "stopped", "reason"])


def globals_frame(analysis: Analysis) -> pd.DataFrame:
    """Physician and patient global assessments at baseline and at the last assessment (long frame)."""
    rows = []
    for member, outcome in analysis.pairs():
        last = outcome.assessments[-1] if outcome.assessments else None
        for when, day in (("baseline", member.index_date), ("last assessment", last)):
            for name in ("physician_global", "patient_global"):
                value = None if day is None else measure(name).at(member.record, day).value
                rows.append({"patient_id": member.patient_id, "when": when, "measure": name, "value": value})
    return pd.DataFrame(rows, columns=["patient_id", "when", "measure", "value"])
