"""Patient records as OMOP CDM v5.4 rows.

What goes where:

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
  is the onset, else the recorded date, else the start of the period.
* ``drug_exposure`` - one row per dosing step (quantity, ``dose_unit_source_value``
  as entered, ``sig`` the frequency), plus an undosed row for any part of a
  course before its first step; the last row's ``verbatim_end_date`` is the
  recorded stop, an ongoing course ends at the period's end.
* ``measurement`` - numeric analytes: ``value_as_number`` in the canonical unit
  (the bound of a censored value, with ``operator_concept_id``),
  ``value_source_value`` and ``unit_source_value`` as entered, reference range
  in the canonical unit; visit weights and heights too.
* ``observation`` - qualitative tests (``value_as_string``) and findings
  (``value_as_string`` present/absent, a measured value as in measurement).
* ``drug_era`` - derived, see :mod:`.eras`.

Episodes, diary days, adverse events, genotypes and free text have no OMOP
home here and are not exported; :func:`remit.interop.omop.representable`
says exactly what survives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from remit.core.analytes import ValueKind, analyte
from remit.core.intervals import Op
from remit.core.measurements import Measurement
from remit.core.record import Dose, Encounter, Finding, MedicationCourse, Observation, PatientRecord
from remit.interop.omop.concepts import REGISTRY_TYPE, ConceptMap
from remit.interop.omop.eras import drug_eras, era_rows
from remit.interop.omop.tables import TABLES
from remit.interop.subjects import ExportSubject, subjects

Row = dict[str, Any]
OPERATORS = {Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<="}


@dataclass
class OmopRows:
    """Rows per table (every column present), and patients left out with why."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in TABLES})
    excluded: list[tuple[str, str]] = field(default_factory=list)

    def add(self, table: str, row: Row) -> int:
        rows = self.tables[table]
        row_id = len(rows) + 1
        rows.append({column.name: None for column in TABLES[table]} | {TABLES[table][0].name: row_id} | row)
        return row_id


def omop_rows(items: Iterable[PatientRecord | ExportSubject], concepts: ConceptMap | None = None) -> OmopRows:
    """Every table's rows for the given patients, ids numbered from 1."""
    return _Writer(concepts or ConceptMap.load()).write(items)


class _Writer:
    def __init__(self, concepts: ConceptMap) -> None:
        self.concepts = concepts
        self.out = OmopRows()
        self.sites: dict[str, int] = {}
        self.registry = concepts.concept_id("type", REGISTRY_TYPE)
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

    def key(
        self,
        table: str,
        row_id: int,
        person_id: int,
        remit_id: str,
        *,
        role: str | None = None,
        end: date | None = None,
    ) -> None:
        self.out.add(
            "remit_source_key",
            {
                "table_name": table,
                "row_id": row_id,
                "person_id": person_id,
                "remit_id": remit_id,
                "role": role,
                "end_date": end,
            },
        )

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
        if span is not None:
            self.out.add(
                "observation_period",
                {
                    "person_id": person_id,
                    "observation_period_start_date": span[0],
                    "observation_period_end_date": span[1],
                    "period_type_concept_id": self.registry,
                },
            )
        visits = {e.id: self.visit(person_id, e) for e in record.encounters}
        self.conditions(person_id, record, span)
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
        return row_id

    def conditions(self, person_id: int, record: PatientRecord, span: tuple[date, date] | None) -> None:
        for d in record.diagnoses:
            start = d.onset or d.recorded or (span[0] if span is not None else None)
            if start is None:
                continue
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
        if spec.kind is ValueKind.QUALITATIVE:
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
            return
        reference = m.reference
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
