"""Patient records as OMOP CDM v5.4 rows.

What goes where (``docs/interop.md`` has the full table, with every choice):

* ``person`` - sex as ``gender_concept_id`` (sex at birth, §B4), year, month
  and day of birth as known; ``person_source_value`` is the patient id
  (the pseudonym in a de-identified export, where only a year of birth
  derived from the age at index is written). OMOP requires a year of birth:
  a patient without one is left out and listed in :attr:`OmopRows.excluded`.
* ``care_site`` - one row per site.
* ``observation_period`` - the follow-up period (or first to last fact).
* ``visit_occurrence`` - visits; ``visit_source_value`` is the remit kind,
  ``scheduled:3`` for "scheduled month 3".
* ``condition_occurrence`` - diagnoses; ``condition_source_value`` is the
  remit condition id, ``condition_status_source_value`` its status; the start
  is the onset, else the recorded date, else the record's anchor day. Adverse
  events too (:mod:`.writing_events`).
* ``drug_exposure`` - one row per dosing step (quantity, ``dose_unit_source_value``
  as entered, ``sig`` the frequency), plus an undosed row for any part of a
  course before its first step; the last row's ``verbatim_end_date`` is the
  recorded stop, an ongoing course ends at the period's end.
* ``measurement`` - numeric analytes: ``value_as_number`` in the canonical unit
  (the bound of a censored value, with ``operator_concept_id``),
  ``value_source_value`` and ``unit_source_value`` as entered, reference range
  in the canonical unit; visit weights and heights too.
* ``observation`` - qualitative tests (``value_as_string``), findings
  (``value_as_string`` present/absent, a measured value as in measurement),
  genotypes, diary answers and episode features (:mod:`.writing_events`).
* ``episode`` + ``episode_event`` - fever attacks, flares, MAS episodes.
* ``note`` - every free text, pointing at the row it belongs to.
* ``drug_era`` - derived, see :mod:`.eras`.

Whatever no CDM column holds goes to ``remit_source_detail`` (see
:mod:`.details`), so ``read_omop`` gives back the record that was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import date, timedelta

from remit.core.analytes import ValueKind, analyte
from remit.core.conditions import CONDITIONS
from remit.core.intervals import Op
from remit.core.measurements import Measurement, ReferenceRange
from remit.core.medications import Dose, MedicationCourse
from remit.core.record import (
    Encounter,
    Finding,
    Observation,
    PatientRecord,
)
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.eras import drug_eras, era_rows
from remit.interop.omop.rows import Emitter, OmopRows
from remit.interop.omop.tables import TABLES
from remit.interop.omop.writing_events import (
    anchor_day,
    write_adverse_events,
    write_diary,
    write_episodes,
    write_genotypes,
)
from remit.interop.subjects import ExportSubject, subjects

OPERATORS = {Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<="}

__all__ = ["OmopRows", "omop_rows"]


def omop_rows(items: Iterable[PatientRecord | ExportSubject], concepts: ConceptMap | None = None) -> OmopRows:
    """Every table's rows for the given patients, ids numbered from 1."""
    return _Writer(concepts or ConceptMap.load()).write(items)


class _Writer(Emitter):
    def __init__(self, concepts: ConceptMap) -> None:
        super().__init__(concepts)
        self.sites: dict[str, int] = {}
        self.exposures: list[tuple[int, str, date, date]] = []

    def write(self, items: Iterable[PatientRecord | ExportSubject]) -> OmopRows:
        for item in items:  # one at a time, so a caller's progress bar follows
            (subject,) = subjects([item])
            year = _year_of_birth(subject)
            if year is None:
                self.out.excluded.append((subject.record.patient.id, "no year of birth (OMOP requires one)"))
                continue
            self.person(subject, year)
        eras = drug_eras(self.exposures)
        self.out.tables["drug_era"] = [
            {c.name: None for c in TABLES["drug_era"]} | row
            for row in era_rows(eras, lambda drug: self.concepts.concept_id("drug", drug))
        ]
        for era_id, era in enumerate(eras, start=1):
            self.key("drug_era", era_id, era.person_id, era.drug)
        return self.out

    # ----- person-level ----------------------------------------------------

    def person(self, subject: ExportSubject, year: int) -> None:
        record = subject.record
        p = record.patient
        site_id = self.sites.get(p.site)
        if site_id is None:
            site_id = self.out.add("care_site", {"care_site_name": p.site, "care_site_source_value": p.site})
            self.sites[p.site] = site_id
        birth = p.birth
        person_id = self.out.add(
            "person",
            {
                "gender_concept_id": self.concepts.concept_id("gender", p.sex.value),
                "year_of_birth": year,
                "month_of_birth": birth.month if birth is not None else None,
                "day_of_birth": birth.day if birth is not None else None,
                "race_concept_id": 0,
                "ethnicity_concept_id": 0,
                "care_site_id": site_id,
                "person_source_value": p.id,
                "gender_source_value": p.sex.value,
                "gender_source_concept_id": 0,
                "ethnicity_source_value": p.ethnicity,
            },
        )
        span = record.coverage()
        anchor = anchor_day(record, year)
        self.note(person_id, ("person", person_id, p.id), "note", p.note, anchor)
        if span is not None:
            period_id = self.out.add(
                "observation_period",
                {
                    "person_id": person_id,
                    "observation_period_start_date": span[0],
                    "observation_period_end_date": span[1],
                    "period_type_concept_id": self.registry,
                },
            )
            if record.follow_up is None:  # first to last fact, not a declared follow-up
                self.key("observation_period", period_id, person_id, p.id, role="derived")
        write_genotypes(self, person_id, p.genotypes, anchor)
        visits = {e.id: self.visit(person_id, e) for e in record.encounters}
        self.conditions(person_id, record, anchor)
        for o in record.observations:
            self.measured(person_id, o.id, o.measurement, day=o.date, o=o, visit_id=visits.get(o.encounter or ""))
        for e in record.encounters:
            for role, m in (("encounter_weight", e.weight), ("encounter_height", e.height)):
                if m is not None:
                    self.measured(person_id, e.id, m, day=e.date, o=None, visit_id=visits[e.id], role=role)
        for f in record.findings:
            self.finding(person_id, f, visits.get(f.encounter or ""))
        for course in record.medications:
            self.course(person_id, course, span)
        write_episodes(self, person_id, record.episodes)
        write_adverse_events(self, person_id, record.adverse_events)
        write_diary(self, person_id, record.diary)

    def visit(self, person_id: int, e: Encounter) -> int:
        source = e.kind.value if e.month is None else f"{e.kind.value}:{e.month}"
        row_id = self.out.add(
            "visit_occurrence",
            {
                "person_id": person_id,
                "visit_concept_id": self.concepts.concept_id("visit", e.kind.value),
                "visit_start_date": e.date,
                "visit_end_date": e.end or e.date,
                "visit_type_concept_id": self.registry,
                "visit_source_value": source,
            },
        )
        self.key("visit_occurrence", row_id, person_id, e.id)
        if e.end is not None and e.end == e.date:  # a one-day admission, not an open end
            self.detail("visit_occurrence", row_id, "end", e.end)
        self.note(person_id, ("visit_occurrence", row_id, e.id), "note", e.note, e.date, visit_id=row_id)
        return row_id

    def conditions(self, person_id: int, record: PatientRecord, anchor: date) -> None:
        for d in record.diagnoses:
            start = d.onset or d.recorded or anchor
            row_id = self.out.add(
                "condition_occurrence",
                {
                    "person_id": person_id,
                    "condition_concept_id": self.concepts.concept_id("condition", d.condition),
                    "condition_start_date": start,
                    "condition_type_concept_id": self.registry,
                    "condition_status_concept_id": 0,
                    "condition_source_value": d.condition,
                    "condition_source_concept_id": 0,
                    "condition_status_source_value": d.status.value,
                },
            )
            self.key("condition_occurrence", row_id, person_id, d.id)
            if d.onset is None:
                self.detail("condition_occurrence", row_id, "onset", None)
            if d.recorded is not None:
                self.detail("condition_occurrence", row_id, "recorded", d.recorded)
            if d.codings != CONDITIONS[d.condition].codings:
                self.detail(
                    "condition_occurrence", row_id, "codings", [[c.system, c.code, c.display] for c in d.codings]
                )
            self.note(person_id, ("condition_occurrence", row_id, d.id), "note", d.note, start)

    # ----- values ----------------------------------------------------------

    def measured(
        self,
        person_id: int,
        remit_id: str,
        m: Measurement,
        *,
        day: date,
        o: Observation | None,
        visit_id: int | None,
        role: str | None = None,
    ) -> None:
        spec = analyte(m.analyte)
        source = o.code.code if o is not None and o.code is not None else spec.code
        stamp = dt.datetime.combine(day, o.time) if o is not None and o.time is not None else None
        common = {"person_id": person_id, "visit_occurrence_id": visit_id, "unit_source_value": m.unit}
        reference = m.reference
        if spec.kind is ValueKind.QUALITATIVE:
            table = "observation"
            row_id = self.out.add(
                "observation",
                common
                | {
                    "observation_concept_id": self.concepts.concept_id("measurement", spec.id),
                    "observation_date": day,
                    "observation_datetime": stamp,
                    "observation_type_concept_id": self.registry,
                    "value_as_string": m.text,
                    "observation_source_value": source,
                    "observation_source_concept_id": 0,
                    "value_source_value": m.text,
                },
            )
            self.key("observation", row_id, person_id, remit_id, role=role)
            self.reference_detail("observation", row_id, reference, in_columns=False)
        else:
            table = "measurement"
            row_id = self.out.add(
                "measurement",
                common
                | {
                    "measurement_concept_id": self.concepts.concept_id("measurement", spec.id),
                    "measurement_date": day,
                    "measurement_datetime": stamp,
                    "measurement_time": o.time.isoformat() if o is not None and o.time is not None else None,
                    "measurement_type_concept_id": self.registry,
                    "operator_concept_id": None if m.comparator is None else self._operator(m.comparator),
                    "value_as_number": _number(m),
                    "unit_concept_id": self._unit(m),
                    "range_low": reference.low if reference is not None else None,
                    "range_high": reference.high if reference is not None else None,
                    "measurement_source_value": source,
                    "measurement_source_concept_id": 0,
                    "value_source_value": m.text,
                },
            )
            self.key("measurement", row_id, person_id, remit_id, role=role)
            self.reference_detail("measurement", row_id, reference, in_columns=True)
        if o is not None:
            if o.code is not None:  # the code as received, with its system and display
                self.detail(table, row_id, "code", [o.code.system, o.code.code, o.code.display])
            self.note(person_id, (table, row_id, remit_id), "source", o.source, day, visit_id=visit_id)

    def reference_detail(self, table: str, row_id: int, reference: ReferenceRange | None, *, in_columns: bool) -> None:
        """The reference range when ``range_low``/``range_high`` cannot hold all of it:
        on an observation row (no range columns), with a source other than the
        laboratory's, or with neither limit."""
        if reference is None:
            return
        if in_columns and reference.source == "laboratory" and (reference.low, reference.high) != (None, None):
            return
        self.detail(table, row_id, "reference", [reference.low, reference.high, reference.source])

    def _operator(self, op: Op) -> int:
        return self.concepts.concept_id("operator", OPERATORS[op])

    def _unit(self, m: Measurement) -> int | None:
        """NULL when no unit was entered and the analyte has none; else the canonical unit's concept (0 if unmapped)."""
        if m.number is None or (m.unit is None and m.canonical_unit == "1"):
            return None
        return self.concepts.concept_id("unit", m.canonical_unit)

    def finding(self, person_id: int, f: Finding, visit_id: int | None) -> None:
        m = f.value
        row_id = self.out.add(
            "observation",
            {
                "person_id": person_id,
                "observation_concept_id": self.concepts.concept_id("finding", f.kind),
                "observation_date": f.start,
                "observation_type_concept_id": self.registry,
                "value_as_number": _number(m) if m is not None else None,
                "value_as_string": "present" if f.present else "absent",
                "unit_concept_id": self._unit(m) if m is not None else None,
                "visit_occurrence_id": visit_id,
                "observation_source_value": f.kind,
                "observation_source_concept_id": 0,
                "unit_source_value": m.unit if m is not None else None,
                "value_source_value": m.text if m is not None else None,
            },
        )
        self.key("observation", row_id, person_id, f.id, role="finding", end=f.end)
        if m is not None:
            self.reference_detail("observation", row_id, m.reference, in_columns=False)
        for name, value in f.attributes:
            self.detail("observation", row_id, f"attribute:{name}", value)
        self.note(person_id, ("observation", row_id, f.id), "note", f.note, f.start, visit_id=visit_id)

    # ----- drugs -----------------------------------------------------------

    def course(self, person_id: int, m: MedicationCourse, span: tuple[date, date] | None) -> None:
        last_day = m.stop or max(m.start, span[1] if span is not None else m.start)
        pieces: list[tuple[date, date, Dose | None]] = []  # start, end, dose (None: undosed)
        if not m.doses or m.start < m.doses[0].start:
            first_dose = m.doses[0].start if m.doses else None
            pieces.append((m.start, max(m.start, first_dose - timedelta(days=1)) if first_dose else last_day, None))
        for i, dose in enumerate(m.doses):
            following = m.doses[i + 1].start if i + 1 < len(m.doses) else None
            end = max(dose.start, following - timedelta(days=1)) if following else max(dose.start, last_day)
            pieces.append((dose.start, end, dose))
        for i, (start, end, step) in enumerate(pieces):
            final = i == len(pieces) - 1
            row_id = self.out.add(
                "drug_exposure",
                {
                    "person_id": person_id,
                    "drug_concept_id": self.concepts.concept_id("drug", m.drug),
                    "drug_exposure_start_date": start,
                    "drug_exposure_end_date": end,
                    "verbatim_end_date": m.stop if final else None,
                    "drug_type_concept_id": self.registry,
                    "stop_reason": m.stop_reason.value if final and m.stop_reason is not None else None,
                    "quantity": step.amount if step is not None else None,
                    "sig": step.frequency.value if step is not None else None,
                    "route_concept_id": self.concepts.concept_id("route", m.route.value),
                    "drug_source_value": m.drug,
                    "drug_source_concept_id": 0,
                    "route_source_value": m.route.value,
                    "dose_unit_source_value": step.unit if step is not None else None,
                },
            )
            self.key("drug_exposure", row_id, person_id, m.id, role="dose" if step is not None else "course")
            self.exposures.append((person_id, m.drug, start, end))
            owner = ("drug_exposure", row_id, m.id)
            if i == 0:  # course-level facts live on the course's first row
                if m.indication is not None:
                    self.detail("drug_exposure", row_id, "indication", m.indication)
                if m.switched_to is not None:
                    self.detail("drug_exposure", row_id, "switched_to", m.switched_to)
                self.note(person_id, owner, "note", m.note, start)
            if step is not None:
                if step.count is not None:
                    self.detail("drug_exposure", row_id, "count", step.count)
                self.note(person_id, owner, "text", step.text, start)


def _number(m: Measurement) -> float | None:
    if m.number is None:
        return None
    if m.comparator in (Op.LT, Op.LE):
        return m.interval.high
    return m.interval.low


def _year_of_birth(subject: ExportSubject) -> int | None:
    birth = subject.record.patient.birth
    if birth is not None:
        return birth.year
    if subject.deidentified and subject.age_at_index is not None and subject.index_date is not None:
        return (subject.index_date - timedelta(days=round(subject.age_at_index * 365.25))).year
    return None
