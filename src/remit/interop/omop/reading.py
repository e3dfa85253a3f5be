"""An OMOP CDM (any :class:`~.storage.TableSource`) into patient records.

Codes are recognised from the ``*_source_value`` columns first (remit's own
exports put remit codes and LOINC codes there), then from concept ids through
the concept map. Values are read from ``value_source_value`` and
``unit_source_value`` - what was entered - through remit's one measuring
function; a row without them is read from ``value_as_number`` in the unit of
``unit_concept_id``. ``remit_source_key`` and ``remit_source_detail`` (written by
remit) restore item ids, visit weights and heights, finding end dates, which
rows form a course, and every field no CDM column holds; NOTE rows restore
free text. Without them, ids are made from row ids and a person's exposures
of one drug are joined into courses by the 30-day persistence window.

Every row becomes one report line: imported, merged (a visit weight into its
visit, a further dose row into its course, a note into its item, drug eras -
derived data) or skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from remit.core.analytes import Analyte, ValueKind, analyte
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS, FindingKind
from remit.core.measurements import Measurement, measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    Encounter,
    EncounterKind,
    Finding,
    Observation,
    Patient,
    Sex,
)
from remit.errors import RecordError, RemitError, UnknownCodeError
from remit.interop.courses import Exposure, group_exposures, knows_frequency
from remit.interop.errors import MalformedFileError
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.reading_base import REPORTED, Person, Row
from remit.interop.omop.reading_events import EventReader, attributes
from remit.interop.omop.reading_values import (
    ValueReader,
    as_coding,
    as_codings,
    as_date,
    as_int,
    as_text,
)
from remit.interop.omop.storage import TableSource
from remit.interop.omop.tables import TABLES
from remit.interop.omop.writing_events import ADVERSE_EVENT_TYPE
from remit.interop.report import Imported

DEFAULT_SITE = "omop-import"
_READ_FIRST = ("visit_occurrence", "condition_occurrence", "measurement", "observation", "drug_exposure", "episode")


def read_omop(source: TableSource, concepts: ConceptMap | None = None, *, default_site: str = DEFAULT_SITE) -> Imported:
    """Records from the CDM tables of ``source`` (``person`` is required)."""
    tables = {name: source.rows(name) for name in TABLES}
    if tables["person"] is None:
        raise MalformedFileError("no person table: not an OMOP CDM", file=source.describe())
    for name, rows in tables.items():
        if rows:
            missing = [c.name for c in TABLES[name] if c.required and c.name not in rows[0]]
            if missing:
                raise MalformedFileError(
                    f"table {name} lacks required column(s) {', '.join(missing)}", file=source.describe()
                )
            for number, row in enumerate(rows, start=1):
                empty = [c.name for c in TABLES[name] if c.required and row.get(c.name) is None]
                if empty:
                    raise MalformedFileError(
                        f"table {name}, row {number}: required column(s) {', '.join(empty)} empty",
                        file=source.describe(),
                    )
    return _Reader(tables, concepts or ConceptMap.load(), default_site).read()


class _Reader(EventReader, ValueReader):
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
        handlers = {
            "visit_occurrence": self.visit,
            "condition_occurrence": self.condition,
            "measurement": self.measurement,
            "observation": self.observation,
            "drug_exposure": self.drug_exposure,
            "episode": self.episode,
        }
        for table in _READ_FIRST:
            for row in self.tables[table]:
                self.for_person(table, row, handlers[table])
        for row in self.tables["episode_event"]:
            self.guard("episode_event", row, self.episode_event)
        for row in self.tables["drug_era"]:
            self.report.merged("drug_era", f"drug_era {row['drug_era_id']}", "derived from drug_exposure; not stored")
        records = []
        for person in self.people.values():
            medications = self.courses(person)
            try:
                records.append(replace(person.record(), medications=tuple(medications)))
            except RemitError as exc:
                raise MalformedFileError(
                    f"person {person.patient.id}: the rows do not form a consistent record: {exc.message}"
                ) from exc
        self.report_side_tables()
        return Imported(tuple(records), self.report)

    # ----- tables -------------------------------------------------------------------

    def person(self, row: Row, sites: Mapping[Any, Any]) -> str | None:
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
        text = self.text("person", int(row["person_id"]), "note", f"the note of patient {patient.id}")
        self.people[int(row["person_id"])] = Person(replace(patient, note=text))
        return note

    def period(self, person: Person, row: Row) -> str | None:
        start, end = row["observation_period_start_date"], row["observation_period_end_date"]
        if self.role("observation_period", row) == "derived":
            person.follow_up_derived = True
        if person.follow_up is None:
            person.follow_up = (start, end)
            return None
        person.follow_up = (min(start, person.follow_up[0]), max(end, person.follow_up[1]))
        return "joined with the person's other observation period(s) into one follow-up period"

    def visit(self, person: Person, row: Row) -> None:
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
        row_id = int(row["visit_occurrence_id"])
        details = self.detail_map("visit_occurrence", row_id)
        visit_id = self.item_id(person, "visit_occurrence", row, "visit")
        person.encounters[row_id] = Encounter(
            id=visit_id,
            date=start,
            kind=kind,
            month=int(month_text) if month_text.isdigit() else None,
            end=as_date(details["end"]) if "end" in details else end if end != start else None,
            note=self.text("visit_occurrence", row_id, "note", f"the note of visit {visit_id}"),
        )

    def condition(self, person: Person, row: Row) -> str | None:
        if self.role("condition_occurrence", row) == ADVERSE_EVENT_TYPE:
            return self.adverse_event(person, row)
        code = row.get("condition_source_value")
        if code not in CONDITIONS:
            code = self.concepts.remit_code("condition", row.get("condition_concept_id"))
        if code is None:
            raise UnknownCodeError(
                f"no remit condition for source value {row.get('condition_source_value')!r} / concept "
                f"{row.get('condition_concept_id')}"
            )
        status = row.get("condition_status_source_value")
        row_id = int(row["condition_occurrence_id"])
        details = self.detail_map("condition_occurrence", row_id)
        codings = details.get("codings")
        diagnosis_id = self.item_id(person, "condition_occurrence", row, "condition")
        person.diagnoses.append(
            Diagnosis(
                id=diagnosis_id,
                condition=code,
                onset=as_date(details["onset"]) if "onset" in details else row["condition_start_date"],
                status=DiagnosisStatus(status)
                if status in {s.value for s in DiagnosisStatus}
                else DiagnosisStatus.ACTIVE,
                codings=as_codings(codings) if codings is not None else CONDITIONS[code].codings,
                recorded=as_date(details.get("recorded")),
                note=self.text("condition_occurrence", row_id, "note", f"the note of diagnosis {diagnosis_id}"),
            )
        )
        return None

    def measurement(self, person: Person, row: Row) -> str | None:
        spec = self.analyte(row, "measurement")
        notes: list[str] = []
        m = self.value(spec, row, "measurement", notes=notes)
        visit = person.encounters.get(row.get("visit_occurrence_id"))  # type: ignore[arg-type]
        role = self.role("measurement", row)
        if role in ("encounter_weight", "encounter_height") and visit is not None:
            name = "weight" if role == "encounter_weight" else "height"
            if getattr(visit, name) is None and spec.id == name:
                with_measure = replace(visit, weight=m) if name == "weight" else replace(visit, height=m)
                person.encounters[int(row["visit_occurrence_id"])] = with_measure
                self.report.merged("measurement", self.where("measurement", row), f"the {name} of visit {visit.id}")
                return REPORTED
        person.observations.append(self.lab(person, spec, m, row, "measurement", visit))
        return "; ".join(notes) or None

    def lab(
        self, person: Person, spec: Analyte, m: Measurement, row: Row, table: str, visit: Encounter | None
    ) -> Observation:
        row_id = int(row[f"{table}_id"])
        code = self.detail_map(table, row_id).get("code")
        observation_id = self.item_id(person, table, row, table)
        stamp = row.get(f"{table}_datetime")
        return Observation(
            id=observation_id,
            measurement=m,
            date=row[f"{table}_date"],
            time=_time(row.get("measurement_time"), stamp),
            encounter=visit.id if visit is not None else None,
            source=self.text(table, row_id, "source", f"the source of {observation_id}"),
            code=as_coding(code) if code is not None else self.received_code(spec, row.get(f"{table}_source_value")),
        )

    def observation(self, person: Person, row: Row) -> str | None:
        role = self.role("observation", row)
        if role == "genotype":
            return self.genotype(person, row)
        if role == "diary":
            return self.diary_answer(person, row, str((self.key("observation", row) or {})["remit_id"]))
        if role == "episode_feature":
            return self.episode_feature(person, row)
        source = row.get("observation_source_value")
        visit = person.encounters.get(row.get("visit_occurrence_id"))  # type: ignore[arg-type]
        if isinstance(source, str) and source in FINDING_KINDS:
            self.finding(person, row, FINDING_KINDS[source], visit)
            return None
        spec = self.analyte(row, "observation")
        if spec.kind is not ValueKind.QUALITATIVE:
            raise RecordError(f"{spec.name} is numeric: it belongs in the measurement table")
        text = row.get("value_source_value") or row.get("value_as_string")
        if text is None:
            raise RecordError("no value (value_source_value or value_as_string)")
        reference = self.stored_reference("observation", row)
        m = measure(spec.id, str(text), row.get("unit_source_value"), reference=reference)
        person.observations.append(self.lab(person, spec, m, row, "observation", visit))
        return None

    def finding(self, person: Person, row: Row, kind: FindingKind, visit: Encounter | None) -> None:
        present = row.get("value_as_string")
        if present not in ("present", "absent"):
            raise RecordError(f"a finding needs value_as_string present or absent, not {present!r}")
        value = None
        if kind.value_analyte is not None and (row.get("value_source_value") or row.get("value_as_number")) is not None:
            value = self.value(analyte(kind.value_analyte), row, "observation")
        key = self.key("observation", row)
        row_id = int(row["observation_id"])
        finding_id = self.item_id(person, "observation", row, "observation")
        person.findings.append(
            Finding(
                id=finding_id,
                kind=kind.id,
                start=row["observation_date"],
                present=present == "present",
                end=key.get("end_date") if key is not None else None,
                value=value,
                attributes=attributes(self.detail_list("observation", row_id)),
                encounter=visit.id if visit is not None else None,
                note=self.text("observation", row_id, "note", f"the note of finding {finding_id}"),
            )
        )

    def drug_exposure(self, person: Person, row: Row) -> str | None:
        drug = self.drug(row)
        row = row | {"drug": drug}
        key = self.key("drug_exposure", row)
        if key is not None:
            row_id = int(row["drug_exposure_id"])
            course = str(key["remit_id"])
            rows = person.courses.setdefault(course, [])
            details = self.detail_map("drug_exposure", row_id)
            dose = None
            if key.get("role") == "dose":
                dose = Dose(
                    start=row["drug_exposure_start_date"],
                    amount=float(row["quantity"]),
                    unit=str(row["dose_unit_source_value"]),
                    frequency=Frequency(row["sig"]),
                    text=self.text("drug_exposure", row_id, "text", f"the dose text of course {course}"),
                    count=as_int(details.get("count")),
                )
            rows.append(
                row
                | {
                    "dose": dose,
                    "indication": as_text(details.get("indication")),
                    "switched_to": as_text(details.get("switched_to")),
                    "note": self.text("drug_exposure", row_id, "note", f"the note of course {course}"),
                }
            )
            if len(rows) > 1:
                self.report.merged("drug_exposure", self.where("drug_exposure", row), f"part of course {course}")
                return REPORTED
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
        return REPORTED  # reported when the courses are built

    def courses(self, person: Person) -> list[MedicationCourse]:
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


def _course(course_id: str, rows: list[Row]) -> MedicationCourse:
    """A course from remit's own rows (each already checked), in the order they were written."""
    rows = sorted(rows, key=lambda r: r["drug_exposure_id"])
    first, last = rows[0], rows[-1]
    route = last.get("route_source_value")
    reason = last.get("stop_reason")
    return MedicationCourse(
        id=course_id,
        drug=str(last["drug"]),
        route=Route(route) if route in {r.value for r in Route} else Route.OTHER,
        start=first["drug_exposure_start_date"],
        doses=tuple(r["dose"] for r in rows if r["dose"] is not None),
        stop=last.get("verbatim_end_date"),
        stop_reason=StopReason(reason) if reason in {s.value for s in StopReason} else None,
        switched_to=first["switched_to"],
        indication=first["indication"],
        note=first["note"],
    )


def _time(text: Any, stamp: Any) -> dt.time | None:
    if isinstance(stamp, dt.datetime):
        return stamp.time()
    if isinstance(text, str) and text:
        return dt.time.fromisoformat(text)
    return None
