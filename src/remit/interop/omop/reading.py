"""An OMOP CDM (any :class:`~.storage.TableSource`) into patient records.

Codes are recognised from the ``*_source_value`` columns first (remit's own
exports put remit codes and LOINC codes there), then from concept ids through
the concept map. Values are read from ``value_source_value`` and
``unit_source_value`` - what was entered - through remit's one measuring
function; a row without them is read from ``value_as_number`` in the unit of
``unit_concept_id``. ``remit_source_key`` (written by remit) restores item ids,
visit weights and heights, finding end dates and which rows form a course;
without it, ids are made from row ids and a person's exposures of one drug
are joined into courses by the 30-day persistence window.

Every row becomes one report line: imported, merged (a visit weight into its
visit, a further dose row into its course, drug eras - derived data) or
skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from remit.core.analytes import ANALYTES, LOCAL_SYSTEM, Analyte, ValueKind, analyte
from remit.core.codes import LOINC, Coding
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.measurements import Measurement, ReferenceRange, measure, reference_range
from remit.core.record import (
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    Dose,
    Encounter,
    EncounterKind,
    Finding,
    Frequency,
    MedicationCourse,
    Observation,
    Patient,
    PatientRecord,
    Route,
    Sex,
    StopReason,
)
from remit.drugs import DRUGS, find_drug
from remit.errors import RecordError, RemitError, UnitError, UnknownCodeError
from remit.interop.courses import Exposure, group_exposures, knows_frequency
from remit.interop.errors import MalformedFileError
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.storage import Rows, TableSource
from remit.interop.omop.tables import CDM_TABLES, TABLES
from remit.interop.report import Imported, ImportReport

DEFAULT_SITE = "omop-import"
SOURCE_VALUE_SYSTEM = "urn:remit:omop-source-value"  # a measurement_source_value that is neither remit's nor LOINC
_REPORTED = "\x00reported"  # a handler's answer when it wrote the report line itself


@dataclass
class _Person:
    patient: Patient
    follow_up: tuple[date, date] | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    encounters: dict[int, Encounter] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    courses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    exposures: list[Exposure] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def record(self) -> PatientRecord:
        return PatientRecord(
            patient=self.patient,
            diagnoses=tuple(self.diagnoses),
            encounters=tuple(self.encounters.values()),
            observations=tuple(self.observations),
            findings=tuple(self.findings),
            follow_up=self.follow_up,
        )


def read_omop(source: TableSource, concepts: ConceptMap | None = None, *, default_site: str = DEFAULT_SITE) -> Imported:
    """Records from the CDM tables of ``source`` (``person`` is required)."""
    tables = {name: source.rows(name) for name in (*CDM_TABLES, "remit_source_key")}
    if tables["person"] is None:
        raise MalformedFileError("no person table: not an OMOP CDM", file=source.describe())
    for name, rows in tables.items():
        if rows:
            missing = [c.name for c in TABLES[name] if c.required and c.name not in rows[0]]
            if missing:
                raise MalformedFileError(
                    f"table {name} lacks required column(s) {', '.join(missing)}", file=source.describe()
                )
    return _Reader(tables, concepts or ConceptMap.load(), default_site).read()


class _Reader:
    def __init__(self, tables: Mapping[str, Rows | None], concepts: ConceptMap, default_site: str) -> None:
        self.tables = {name: rows or [] for name, rows in tables.items()}
        self.concepts = concepts
        self.default_site = default_site
        self.report = ImportReport()
        self.people: dict[int, _Person] = {}
        self.keys: dict[tuple[str, int], dict[str, Any]] = {
            (str(k["table_name"]), int(k["row_id"])): k for k in self.tables["remit_source_key"]
        }

    def read(self) -> Imported:
        sites = {
            row["care_site_id"]: row.get("care_site_name") or row.get("care_site_source_value")
            for row in self.tables["care_site"]
        }
        for row in self.tables["care_site"]:
            self.report.imported("care_site", f"care_site {row['care_site_id']}")
        for row in self.tables["person"]:
            self.guard("person", row, lambda r: self.person(r, sites))
        for row in self.tables["observation_period"]:
            self.for_person("observation_period", row, self.period)
        for table, handler in (
            ("visit_occurrence", self.visit),
            ("condition_occurrence", self.condition),
            ("measurement", self.measurement),
            ("observation", self.observation),
            ("drug_exposure", self.drug_exposure),
        ):
            for row in self.tables[table]:
                self.for_person(table, row, handler)
        for row in self.tables["drug_era"]:
            self.report.merged("drug_era", f"drug_era {row['drug_era_id']}", "derived from drug_exposure; not stored")
        for row in self.tables["remit_source_key"]:
            self.report.merged("remit_source_key", f"{row['table_name']} {row['row_id']}", "used to restore remit ids")
        records = []
        for person in self.people.values():
            medications = self.courses(person)
            try:
                records.append(replace(person.record(), medications=tuple(medications)))
            except RemitError as exc:
                raise MalformedFileError(
                    f"person {person.patient.id}: the rows do not form a consistent record: {exc.message}"
                ) from exc
        return Imported(tuple(records), self.report)

    # ----- plumbing -------------------------------------------------------------

    def where(self, table: str, row: Mapping[str, Any]) -> str:
        return f"{table} {row[TABLES[table][0].name]}"

    def guard(self, table: str, row: dict[str, Any], handle: Any) -> None:
        try:
            note = handle(row)
        except (RemitError, ValueError, KeyError) as exc:
            message = exc.message if isinstance(exc, RemitError) else str(exc)
            prefix = "unknown code: " if isinstance(exc, UnknownCodeError) else ""
            self.report.skipped(table, self.where(table, row), prefix + message)
            return
        if note != _REPORTED:
            self.report.imported(table, self.where(table, row), note or None)

    def for_person(self, table: str, row: dict[str, Any], handle: Any) -> None:
        person = self.people.get(row.get("person_id"))  # type: ignore[arg-type]
        if person is None:
            self.report.skipped(table, self.where(table, row), f"missing subject: no person {row.get('person_id')}")
            return
        self.guard(table, row, lambda r: handle(person, r))

    def key(self, table: str, row: Mapping[str, Any]) -> dict[str, Any] | None:
        return self.keys.get((table, int(row[TABLES[table][0].name])))

    def item_id(self, person: _Person, table: str, row: Mapping[str, Any], prefix: str) -> str:
        key = self.key(table, row)
        found = str(key["remit_id"]) if key is not None else f"{prefix}-{row[TABLES[table][0].name]}"
        if found in person.ids:
            raise RecordError(f"id {found!r} is used twice")
        person.ids.add(found)
        return found

    # ----- tables -------------------------------------------------------------------

    def person(self, row: dict[str, Any], sites: Mapping[Any, Any]) -> str | None:
        note = None
        gender = row.get("gender_source_value")
        if gender not in {s.value for s in Sex}:
            gender = self.concepts.remit_code("gender", row.get("gender_concept_id")) or Sex.UNKNOWN.value
        birth = None
        if row.get("month_of_birth") is not None:
            birth = BirthDate(int(row["year_of_birth"]), int(row["month_of_birth"]), row.get("day_of_birth"))
        else:
            note = f"year of birth {row['year_of_birth']} only: remit needs the month, so no birth date is kept"
        patient = Patient(
            id=str(row.get("person_source_value") or f"person-{row['person_id']}"),
            site=str(sites.get(row.get("care_site_id")) or self.default_site),
            sex=Sex(gender),
            birth=birth,
            ethnicity=row.get("ethnicity_source_value"),
        )
        if any(p.patient.id == patient.id for p in self.people.values()):
            raise RecordError(f"a second person with source value {patient.id!r}")
        self.people[int(row["person_id"])] = _Person(patient)
        return note

    def period(self, person: _Person, row: dict[str, Any]) -> str | None:
        start, end = row["observation_period_start_date"], row["observation_period_end_date"]
        if person.follow_up is None:
            person.follow_up = (start, end)
            return None
        person.follow_up = (min(start, person.follow_up[0]), max(end, person.follow_up[1]))
        return "joined with the person's other observation period(s) into one follow-up period"

    def visit(self, person: _Person, row: dict[str, Any]) -> None:
        source = str(row.get("visit_source_value") or "")
        kind_text, _, month_text = source.partition(":")
        if kind_text in {k.value for k in EncounterKind}:
            kind = EncounterKind(kind_text)
        else:
            kind = (
                EncounterKind.ADMISSION
                if self.concepts.remit_code("visit", row.get("visit_concept_id")) == "admission"
                else EncounterKind.UNSCHEDULED
            )
        start, end = row["visit_start_date"], row["visit_end_date"]
        if end < start:
            raise RecordError(f"the visit ends ({end}) before it starts ({start})")
        person.encounters[int(row["visit_occurrence_id"])] = Encounter(
            id=self.item_id(person, "visit_occurrence", row, "visit"),
            date=start,
            kind=kind,
            month=int(month_text) if month_text.isdigit() else None,
            end=end if end != start else None,
        )

    def condition(self, person: _Person, row: dict[str, Any]) -> None:
        code = row.get("condition_source_value")
        if code not in CONDITIONS:
            code = self.concepts.remit_code("condition", row.get("condition_concept_id"))
        if code is None:
            raise UnknownCodeError(
                f"no remit condition for source value {row.get('condition_source_value')!r} / concept "
                f"{row.get('condition_concept_id')}"
            )
        status = row.get("condition_status_source_value")
        person.diagnoses.append(
            Diagnosis(
                id=self.item_id(person, "condition_occurrence", row, "condition"),
                condition=code,
                onset=row["condition_start_date"],
                status=DiagnosisStatus(status)
                if status in {s.value for s in DiagnosisStatus}
                else DiagnosisStatus.ACTIVE,
                codings=CONDITIONS[code].codings,
            )
        )

    def measurement(self, person: _Person, row: dict[str, Any]) -> str | None:
        spec = self.analyte(row, "measurement")
        notes: list[str] = []
        m = self.value(spec, row, notes=notes)
        visit = person.encounters.get(row.get("visit_occurrence_id"))  # type: ignore[arg-type]
        key = self.key("measurement", row)
        role = key.get("role") if key is not None else None
        if role in ("encounter_weight", "encounter_height") and visit is not None:
            name = "weight" if role == "encounter_weight" else "height"
            if getattr(visit, name) is None and spec.id == name:
                with_measure = replace(visit, weight=m) if name == "weight" else replace(visit, height=m)
                person.encounters[int(row["visit_occurrence_id"])] = with_measure
                self.report.merged("measurement", self.where("measurement", row), f"the {name} of visit {visit.id}")
                return _REPORTED
        person.observations.append(
            Observation(
                id=self.item_id(person, "measurement", row, "measurement"),
                measurement=m,
                date=row["measurement_date"],
                time=_time(row.get("measurement_time"), row.get("measurement_datetime")),
                encounter=visit.id if visit is not None else None,
                code=self.received_code(spec, row.get("measurement_source_value")),
            )
        )
        return "; ".join(notes) or None

    def observation(self, person: _Person, row: dict[str, Any]) -> None:
        source = row.get("observation_source_value")
        visit = person.encounters.get(row.get("visit_occurrence_id"))  # type: ignore[arg-type]
        if isinstance(source, str) and source in FINDING_KINDS:
            kind = FINDING_KINDS[source]
            present = row.get("value_as_string")
            if present not in ("present", "absent"):
                raise RecordError(f"a finding needs value_as_string present or absent, not {present!r}")
            value = None
            if (
                kind.value_analyte is not None
                and (row.get("value_source_value") or row.get("value_as_number")) is not None
            ):
                value = self.value(analyte(kind.value_analyte), row)
            key = self.key("observation", row)
            person.findings.append(
                Finding(
                    id=self.item_id(person, "observation", row, "observation"),
                    kind=kind.id,
                    start=row["observation_date"],
                    present=present == "present",
                    end=key.get("end_date") if key is not None else None,
                    value=value,
                    encounter=visit.id if visit is not None else None,
                )
            )
            return
        spec = self.analyte(row, "observation")
        if spec.kind is not ValueKind.QUALITATIVE:
            raise RecordError(f"{spec.name} is numeric: it belongs in the measurement table")
        text = row.get("value_source_value") or row.get("value_as_string")
        if text is None:
            raise RecordError("no value (value_source_value or value_as_string)")
        stamp = row.get("observation_datetime")
        person.observations.append(
            Observation(
                id=self.item_id(person, "observation", row, "observation"),
                measurement=measure(spec.id, str(text), row.get("unit_source_value")),
                date=row["observation_date"],
                time=stamp.time() if isinstance(stamp, dt.datetime) else None,
                encounter=visit.id if visit is not None else None,
                code=self.received_code(spec, source),
            )
        )

    def drug_exposure(self, person: _Person, row: dict[str, Any]) -> str | None:
        drug = self.drug(row)
        row = row | {"drug": drug}
        key = self.key("drug_exposure", row)
        if key is not None:
            rows = person.courses.setdefault(str(key["remit_id"]), [])
            rows.append(row | {"role": key.get("role")})
            if len(rows) > 1:
                self.report.merged(
                    "drug_exposure", self.where("drug_exposure", row), f"part of course {key['remit_id']}"
                )
                return _REPORTED
            return None
        sig = row.get("sig")
        route = row.get("route_source_value")
        person.exposures.append(
            Exposure(
                where=self.where("drug_exposure", row),
                key=f"drug_exposure-{row['drug_exposure_id']}",
                drug=drug,
                start=row["drug_exposure_start_date"],
                end=row["drug_exposure_end_date"],
                amount=row.get("quantity"),
                unit=row.get("dose_unit_source_value"),
                frequency=Frequency(sig) if sig in {f.value for f in Frequency} else None,
                route=Route(route) if route in {r.value for r in Route} else None,
                stop_reason=StopReason(row["stop_reason"])
                if row.get("stop_reason") in {s.value for s in StopReason}
                else None,
            )
        )
        return _REPORTED  # reported when the courses are built

    # ----- helpers --------------------------------------------------------------

    def analyte(self, row: Mapping[str, Any], table: str) -> Analyte:
        source = row.get(f"{table}_source_value")
        if source:
            try:
                return analyte(str(source))
            except UnknownCodeError:
                pass
        code = self.concepts.remit_code("measurement", row.get(f"{table}_concept_id"))
        if code is None or code not in ANALYTES:
            raise UnknownCodeError(
                f"no remit analyte for source value {source!r} / concept {row.get(f'{table}_concept_id')}"
            )
        return ANALYTES[code]

    def value(self, spec: Analyte, row: Mapping[str, Any], *, notes: list[str] | None = None) -> Measurement:
        """The value as entered if the row has it, else ``value_as_number`` in
        the unit of ``unit_concept_id``. With ``notes``, the reference range is
        read too (a range that cannot be converted is dropped with a note)."""
        reference = self.reference(spec, row, notes) if notes is not None else None
        text = row.get("value_source_value")
        if text is not None:
            return measure(spec.id, str(text), row.get("unit_source_value"), reference=reference)
        number = row.get("value_as_number")
        if number is None:
            raise RecordError("no value (value_source_value or value_as_number)")
        operator = self.concepts.remit_code("operator", row.get("operator_concept_id")) or ""
        text = f"{'' if operator == '=' else operator}{number!r}"
        return measure(spec.id, text, self.number_unit(spec, row), reference=reference)

    def number_unit(self, spec: Analyte, row: Mapping[str, Any]) -> str:
        """The unit of ``value_as_number`` and the range: from ``unit_concept_id``
        through the map; never guessed for a unit the map does not know."""
        concept = row.get("unit_concept_id")
        mapped = self.concepts.remit_code("unit", concept)
        if mapped is not None:
            return mapped
        if concept:
            raise UnitError(f"unit concept {concept} is not in the concept map; add it to convert this value")
        source = row.get("unit_source_value")
        if source:
            return str(source)
        if spec.canonical_unit == "1":
            return spec.canonical_unit
        raise UnitError(f"no unit for {spec.name} (unit_concept_id {concept}, no unit_source_value)")

    def reference(self, spec: Analyte, row: Mapping[str, Any], notes: list[str]) -> ReferenceRange | None:
        low, high = row.get("range_low"), row.get("range_high")
        if low is None and high is None:
            return None
        table = "measurement" if "measurement_id" in row else "observation"
        if self.key(table, row) is not None:  # remit writes ranges in the canonical unit
            return ReferenceRange(low, high)
        try:
            unit = self.number_unit(spec, row)
            if unit == spec.canonical_unit:
                return ReferenceRange(low, high)
            return reference_range(spec.id, low, high, unit)
        except RemitError as exc:
            notes.append(f"reference range not kept: {exc.message}")
            return None

    def received_code(self, spec: Analyte, source: Any) -> Coding | None:
        if not source or source in (spec.code, spec.id):
            return None
        if source in spec.alternate_codes:
            return Coding(LOINC if spec.system == LOINC else LOCAL_SYSTEM, str(source))
        return Coding(SOURCE_VALUE_SYSTEM, str(source))

    def drug(self, row: Mapping[str, Any]) -> str:
        source = row.get("drug_source_value")
        if source in DRUGS:
            return str(source)
        if source:
            try:
                return find_drug(str(source)).id
            except UnknownCodeError:
                pass
        code = self.concepts.remit_code("drug", row.get("drug_concept_id"))
        if code is None:
            raise UnknownCodeError(f"no remit drug for source value {source!r} / concept {row.get('drug_concept_id')}")
        return code

    def courses(self, person: _Person) -> list[MedicationCourse]:
        courses = [_course(course_id, rows) for course_id, rows in person.courses.items()]
        for course, exposures in group_exposures(person.exposures):
            first, *rest = exposures
            unknown = [x for x in exposures if x.amount is not None and not knows_frequency(x)]
            note = f"; {len(unknown)} row(s) with a dose but no frequency (sig): no dosing step" if unknown else ""
            self.report.imported("drug_exposure", first.where, f"started course {course.id}{note}")
            for exposure in rest:
                self.report.merged("drug_exposure", exposure.where, f"part of course {course.id}")
            courses.append(course)
        return courses


def _course(course_id: str, rows: list[dict[str, Any]]) -> MedicationCourse:
    rows = sorted(rows, key=lambda r: (r["drug_exposure_start_date"], r["drug_exposure_id"]))
    last = rows[-1]
    doses = tuple(
        Dose(
            start=r["drug_exposure_start_date"],
            amount=float(r["quantity"]),
            unit=str(r["dose_unit_source_value"]),
            frequency=Frequency(r["sig"]),
        )
        for r in rows
        if r["role"] == "dose"
    )
    route = last.get("route_source_value")
    reason = last.get("stop_reason")
    return MedicationCourse(
        id=course_id,
        drug=str(last["drug"]),
        route=Route(route) if route in {r.value for r in Route} else Route.OTHER,
        start=rows[0]["drug_exposure_start_date"],
        doses=doses,
        stop=last.get("verbatim_end_date"),
        stop_reason=StopReason(reason) if reason in {s.value for s in StopReason} else None,
    )


def _time(text: Any, stamp: Any) -> dt.time | None:
    if isinstance(stamp, dt.datetime):
        return stamp.time()
    if isinstance(text, str) and text:
        return dt.time.fromisoformat(text)
    return None
