"""What the pages show, assembled from the catalogue, the drug checks and the
record - no clinical rule is written here: every status, score, verdict and
piece of evidence comes from :mod:`remit.catalogue`, :mod:`remit.rules` or
:mod:`remit.drugs`, and the templates only lay them out.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from remit import catalogue, protocols
from remit.core.record import AdverseEventOutcome, PatientRecord
from remit.drugs import DoseCheck, Verdict, check_dose
from remit.interop.deidentify import DeidentificationKeys, deidentify
from remit.protocols.results import StepState
from remit.protocols.status import protocol_status
from remit.rules import ast
from remit.rules.interpret import evaluate

MAS_INSTRUMENT = "mas_2016"
OUTSIDE_RANGE = frozenset(
    {Verdict.BELOW_USUAL, Verdict.ABOVE_USUAL, Verdict.ABOVE_MAXIMUM, Verdict.OUTSIDE_AGE_OR_WEIGHT_LIMITS}
)
UNRESOLVED = frozenset({AdverseEventOutcome.NOT_RECOVERED, AdverseEventOutcome.RECOVERING, AdverseEventOutcome.UNKNOWN})


@dataclass(frozen=True, slots=True)
class Badge:
    kind: str  # mas_met | mas_indeterminate | dose | serious_ae | overdue
    label: str
    detail: str
    tone: str  # danger | warn


def pseudonymised(record: PatientRecord, keys: DeidentificationKeys) -> PatientRecord:
    """The record a statistician sees: pseudonym, no birth date, dates shifted, no free text."""
    return deidentify(record, keys).record


def latest_lab_date(record: PatientRecord) -> date | None:
    return record.observations[-1].date if record.observations else None


def default_index_date(record: PatientRecord) -> date | None:
    span = record.coverage()
    return latest_lab_date(record) or (span[1] if span else None)


def badges(record: PatientRecord, today: date | None = None) -> tuple[Badge, ...]:
    """The patient-list flags: MAS (2016) met or indeterminate at the latest lab date, a dose
    outside the usual range, an unresolved serious adverse event, and - given ``today`` - a
    follow-up assessment of an applicable protocol whose window closed without a visit."""
    found: list[Badge] = []
    on = latest_lab_date(record)
    mas = catalogue.get(MAS_INSTRUMENT)
    if on is not None and _applies(record, MAS_INSTRUMENT):
        result = evaluate(mas, record, on)
        if result.status == "met":
            found.append(Badge("mas_met", "MAS criteria met", f"2016 MAS criteria met on the labs of {on}", "danger"))
        elif result.status == "indeterminate":
            missing = "; ".join(result.decisive_unknowns[:2])
            found.append(
                Badge(
                    "mas_indeterminate",
                    "MAS indeterminate",
                    f"2016 MAS criteria indeterminate on the labs of {on}: {missing}",
                    "warn",
                )
            )
    outside = [c for c in dose_checks(record) if c.verdict in OUTSIDE_RANGE]
    if outside:
        first = outside[-1]
        found.append(
            Badge(
                "dose",
                "dose outside usual range",
                f"{first.drug} on {first.on}: {first.verdict.value.replace('_', ' ')}",
                "warn",
            )
        )
    serious = [a for a in record.adverse_events if a.serious and a.outcome in UNRESOLVED and a.end is None]
    if serious:
        found.append(Badge("serious_ae", "unresolved serious AE", ", ".join(a.term for a in serious), "danger"))
    if today is not None:
        overdue = [
            f"{protocol.title}: {step.step.label} (due {step.due})"
            for protocol in protocols.applicable(record)
            for step in protocol_status(record, protocol, today).steps
            if step.state is StepState.OVERDUE
        ]
        if overdue:
            found.append(Badge("overdue", "follow-up overdue", "; ".join(overdue), "warn"))
    return tuple(found)


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def shifted_badges(found: tuple[Badge, ...], shift_days: int) -> tuple[Badge, ...]:
    """Badges of the real record, as a pseudonymised view shows them.

    The flags are those of the real record (follow-up is overdue as of the real
    today, which a record with shifted dates would misjudge); every date in their
    details is moved back by the patient's secret shift, like every other date the
    statistician sees, so no real date reaches a pseudonymised page."""

    def shift(match: re.Match[str]) -> str:
        try:
            day = date.fromisoformat(match.group(0))
        except ValueError:
            return match.group(0)
        return (day - timedelta(days=shift_days)).isoformat()

    return tuple(dataclasses.replace(b, detail=_ISO_DATE.sub(shift, b.detail)) for b in found)


def _applies(record: PatientRecord, instrument_id: str) -> bool:
    return any(c.id == instrument_id for c in catalogue.applicable(record))


def dose_checks(record: PatientRecord) -> tuple[DoseCheck, ...]:
    """Each dosing step of each course, checked on the day it started."""
    return tuple(
        check_dose(course, record, dose.start)
        for course in record.medications
        for dose in sorted(course.doses, key=lambda d: d.start)
    )


def criteria_panel(record: PatientRecord, on: date) -> list[dict[str, Any]]:
    """Every applicable instrument as of ``on`` (met first), as :meth:`Result.to_dict` gives it."""
    order = {"met": 0, "indeterminate": 1, "not_met": 2}
    results = [r.to_dict() for r in catalogue.evaluate_all(record, on)]
    return sorted(results, key=lambda r: (order.get(r["status"], 3), r["title"]))


@dataclass(frozen=True, slots=True)
class ScoreRow:
    on: date
    scores: dict[str, dict[str, Any]]  # instrument id -> {score, bounds, category, status}


def activity_over_time(record: PatientRecord) -> tuple[tuple[tuple[str, str], ...], tuple[ScoreRow, ...]]:
    """Disease-activity instruments evaluated at every encounter date: (instrument id, title) columns and rows."""
    instruments = [c for c in catalogue.applicable(record) if c.kind is ast.Kind.ACTIVITY and not c.needs_baseline]
    days = sorted({e.date for e in record.encounters})
    rows = []
    for day in days:
        scores: dict[str, dict[str, Any]] = {}
        for criterion in instruments:
            result = evaluate(criterion, record, day).to_dict()
            scores[criterion.id] = {
                "score": result["score"],
                "bounds": result["score_bounds"],
                "category": result["category"],
                "status": result["status"],
            }
        rows.append(ScoreRow(day, scores))
    return tuple((c.id, c.title) for c in instruments), tuple(rows)


@dataclass(frozen=True, slots=True)
class DiarySummary:
    days: int
    first: date | None
    last: date | None
    symptom_days: int
    latest: dict[str, Any] | None  # the AIDAI result as of the last diary day


def diary_summary(record: PatientRecord) -> DiarySummary:
    diary = record.diary
    if not diary:
        return DiarySummary(0, None, None, 0, None)
    symptomatic = sum(1 for d in diary if any(answer is True for _, answer in d.items))
    aidai = catalogue.get("aidai")
    latest = evaluate(aidai, record, diary[-1].date).to_dict() if _applies(record, "aidai") else None
    return DiarySummary(len(diary), diary[0].date, diary[-1].date, symptomatic, latest)


def score_text(entry: dict[str, Any] | None) -> str:
    """A score as shown in a table cell: the value, or its bounds while items are unknown."""
    if entry is None:
        return ""
    if entry.get("score") is not None:
        return f"{entry['score']:g}"
    bounds = entry.get("bounds")
    if bounds and (bounds[0] is not None or bounds[1] is not None):
        low = "?" if bounds[0] is None else f"{bounds[0]:g}"
        high = "?" if bounds[1] is None else f"{bounds[1]:g}"
        return f"{low}–{high}"
    return "—"
