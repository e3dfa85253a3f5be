"""Records as form rows placed on REDCap-style events.

Events: ``baseline``, ``month_3``, ``month_12`` and ``unscheduled``. The first
baseline visit is the baseline event's visit, the first visit scheduled at
month 3 (12) that of ``month_3`` (``month_12``); every other visit is an
instance of the repeating visit form in ``unscheduled``. A lab or finding
belongs to its visit's event; one without a visit to the event whose visit
is on the same day, else to ``unscheduled``. Patient-level forms (demographics,
genotype, diagnosis, medication, dose, episode, adverse event, diary) are in
``baseline``.

Values are kept as remit values here (dates, numbers, choice values, sets of
choice values for checkboxes); each writer encodes them its own way.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from remit.core.codes import ICD10CM, SNOMED
from remit.core.intervals import Op
from remit.core.measurements import Measurement
from remit.core.record import Attribute, EncounterKind, PatientRecord
from remit.interop.exports.forms import Form, build_forms
from remit.interop.subjects import ExportSubject


class Event(enum.Enum):
    BASELINE = "baseline"
    MONTH_3 = "month_3"
    MONTH_12 = "month_12"
    UNSCHEDULED = "unscheduled"


SCHEDULED_EVENTS = {3: Event.MONTH_3, 12: Event.MONTH_12}


@dataclass(frozen=True, slots=True)
class FormRow:
    """One instance of one form. ``instance`` is None for a non-repeating form."""

    record_id: str
    site: str
    event: Event
    form: str
    instance: int | None
    values: dict[str, Any]


@dataclass
class Dataset:
    forms: tuple[Form, ...]
    deidentified: bool
    rows: list[FormRow] = field(default_factory=list)

    def of(self, form: str) -> list[FormRow]:
        return [row for row in self.rows if row.form == form]


def build_dataset(items: Iterable[ExportSubject]) -> Dataset:
    subjects = tuple(items)
    drugs = {m.drug for s in subjects for m in s.record.medications}
    drugs |= {m.switched_to for s in subjects for m in s.record.medications if m.switched_to}
    drugs |= {a.drug for s in subjects for a in s.record.adverse_events if a.drug}
    deidentified = any(s.deidentified for s in subjects)
    dataset = Dataset(build_forms(drugs), deidentified)
    for subject in subjects:
        dataset.rows += _Rows(subject).build()
    return dataset


def measured_values(prefix: str, m: Measurement | None) -> dict[str, Any]:
    if m is None:
        return {}
    values: dict[str, Any] = {
        f"{prefix}_unit": m.canonical_unit if m.number is not None else None,
        f"{prefix}_entered": m.text,
        f"{prefix}_unit_entered": m.unit,
    }
    if m.qualitative is not None:
        values[f"{prefix}_category"] = m.qualitative.value
    elif m.comparator is None:
        values[f"{prefix}_value"] = m.value
    else:
        values[f"{prefix}_comparator"] = m.comparator.value
        values[f"{prefix}_bound"] = m.interval.high if m.comparator in (Op.LT, Op.LE) else m.interval.low
    return values


def attributes_text(attributes: tuple[Attribute, ...]) -> str | None:
    return "; ".join(f"{name}={_attribute(value)}" for name, value in attributes) or None


def _attribute(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


class _Rows:
    def __init__(self, subject: ExportSubject) -> None:
        self.subject = subject
        self.record: PatientRecord = subject.record
        self.rows: list[FormRow] = []
        self.counters: dict[tuple[Event, str], int] = {}
        self.visit_events: dict[str, tuple[Event, date]] = {}

    def add(self, event: Event, form: str, values: dict[str, Any], *, repeating: bool = True) -> int | None:
        instance = None
        if repeating:
            instance = self.counters.get((event, form), 0) + 1
            self.counters[(event, form)] = instance
        p = self.record.patient
        self.rows.append(FormRow(p.id, p.site, event, form, instance, values))
        return instance

    def build(self) -> list[FormRow]:
        r = self.record
        p = r.patient
        self.add(
            Event.BASELINE,
            "demographics",
            {
                "record_id": p.id,
                "site": p.site,
                "sex": p.sex.value,
                "birth": p.birth.iso() if p.birth is not None else None,
                "age_at_index": self.subject.age_at_index,
                "index_date": self.subject.index_date,
                "ethnicity": p.ethnicity,
                "follow_up_start": r.follow_up[0] if r.follow_up else None,
                "follow_up_end": r.follow_up[1] if r.follow_up else None,
                "patient_note": p.note,
            },
            repeating=False,
        )
        for g in p.genotypes:
            values = {
                "gene": g.gene,
                "variant": g.variant,
                "zygosity": g.zygosity.value,
                "genotype_class": g.classification.value,
            }
            self.add(Event.BASELINE, "genotype", values)
        for d in r.diagnoses:
            self.add(
                Event.BASELINE,
                "diagnosis",
                {
                    "dx_condition": d.condition,
                    "dx_onset": d.onset,
                    "dx_status": d.status.value,
                    "dx_recorded": d.recorded,
                    "dx_icd10cm": " ".join(c.code for c in d.codings if c.system == ICD10CM) or None,
                    "dx_snomed": " ".join(c.code for c in d.codings if c.system == SNOMED) or None,
                    "dx_note": d.note,
                },
            )
        self.visits()
        self.labs_and_findings()
        self.courses()
        for e in r.episodes:
            self.add(
                Event.BASELINE,
                "episode",
                {
                    "episode_kind": e.kind.value,
                    "episode_start": e.start,
                    "episode_end": e.end,
                    "episode_hours": e.duration_hours,
                    "episode_features": frozenset(e.features),
                    "episode_attributes": attributes_text(e.attributes),
                    "episode_note": e.note,
                },
            )
        for a in r.adverse_events:
            self.add(
                Event.BASELINE,
                "adverse_event",
                {
                    "ae_term": a.term,
                    "ae_onset": a.onset,
                    "ae_end": a.end,
                    "ae_serious": a.serious,
                    "ae_criteria": frozenset(c.value for c in a.serious_criteria),
                    "ae_relatedness": a.relatedness.value,
                    "ae_outcome": a.outcome.value,
                    "ae_drug": a.drug,
                    "ae_note": a.note,
                },
            )
        for day_ in r.diary:
            answers: dict[str, Any] = {"diary_date": day_.date, "diary_pain_relief": day_.pain_relief}
            answers |= {f"diary_{item}": answer for item, answer in day_.items}
            self.add(Event.BASELINE, "diary", answers)
        return self.rows

    def visits(self) -> None:
        taken: set[Event] = set()
        for e in self.record.encounters:
            event = Event.UNSCHEDULED
            if e.kind is EncounterKind.BASELINE:
                event = Event.BASELINE
            elif e.kind is EncounterKind.SCHEDULED and e.month in SCHEDULED_EVENTS:
                event = SCHEDULED_EVENTS[e.month]
            if event in taken:
                event = Event.UNSCHEDULED
            if event is not Event.UNSCHEDULED:
                taken.add(event)
            self.visit_events[e.id] = (event, e.date)
            values = {
                "visit_date": e.date,
                "visit_kind": e.kind.value,
                "visit_month": e.month,
                "visit_end": e.end,
                **measured_values("weight", e.weight),
                **measured_values("height", e.height),
                "visit_note": e.note,
            }
            self.add(event, "visit", values, repeating=event is Event.UNSCHEDULED)

    def event_of(self, encounter: str | None, day_: date) -> Event:
        if encounter is not None and encounter in self.visit_events:
            return self.visit_events[encounter][0]
        for event, visit_day in self.visit_events.values():
            if event is not Event.UNSCHEDULED and visit_day == day_:
                return event
        return Event.UNSCHEDULED

    def labs_and_findings(self) -> None:
        for o in self.record.observations:
            m = o.measurement
            reference = m.reference
            self.add(
                self.event_of(o.encounter, o.date),
                "laboratory",
                {
                    "lab_analyte": o.analyte,
                    "lab_date": o.date,
                    "lab_time": o.time.isoformat(timespec="seconds") if o.time is not None else None,
                    **measured_values("lab", m),
                    "lab_ref_low": reference.low if reference is not None else None,
                    "lab_ref_high": reference.high if reference is not None else None,
                    "lab_ref_source": reference.source if reference is not None else None,
                    "lab_code": o.code.code if o.code is not None else None,
                    "lab_source": o.source,
                },
            )
        for f in self.record.findings:
            self.add(
                self.event_of(f.encounter, f.start),
                "finding",
                {
                    "finding_kind": f.kind,
                    "finding_start": f.start,
                    "finding_end": f.end,
                    "finding_present": f.present,
                    **measured_values("finding", f.value),
                    "finding_attributes": attributes_text(f.attributes),
                    "finding_note": f.note,
                },
            )

    def courses(self) -> None:
        for m in self.record.medications:
            course = self.add(
                Event.BASELINE,
                "medication",
                {
                    "med_drug": m.drug,
                    "med_route": m.route.value,
                    "med_start": m.start,
                    "med_stop": m.stop,
                    "med_stop_reason": m.stop_reason.value if m.stop_reason is not None else None,
                    "med_switched_to": m.switched_to,
                    "med_indication": m.indication,
                    "med_note": m.note,
                },
            )
            for d in m.doses:
                self.add(
                    Event.BASELINE,
                    "dose",
                    {
                        "dose_course": course,
                        "dose_drug": m.drug,
                        "dose_start": d.start,
                        "dose_amount": d.amount,
                        "dose_unit": d.unit,
                        "dose_frequency": d.frequency.value,
                        "dose_count": d.count,
                        "dose_text": d.text,
                    },
                )
