"""FHIR resources (from a Bundle or a Bulk Data export) into patient records.

All input is validated against the R4B models first: one malformed resource
and the whole input is refused (:class:`~remit.interop.errors.MalformedFileError`),
so nothing from a broken file is ever stored. Then every resource becomes one
line of the :class:`~remit.interop.report.ImportReport`:

* Patients first; then Encounters (so other resources can point at them);
  then everything else in input order.
* A resource whose ``subject`` is missing or names no Patient of the input is
  skipped ("missing subject").
* A resource remit cannot read (unknown code, unit not convertible,
  implausible value, no date ...) is skipped with that reason; the rest of
  the patient is still imported.
* A visit's weight or height Observation is merged into its Encounter; a
  MedicationAdministration after a course's first is merged into the course;
  an exact duplicate (same remit id and content) is merged into the first.
* Resource types remit has no use for are skipped with that reason;
  Medications are merged when a medication resource used their code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from remit.core.measurements import Measurement
from remit.core.medications import MedicationCourse
from remit.core.record import (
    AdverseEvent,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    Finding,
    Observation,
    Patient,
    PatientRecord,
)
from remit.errors import ImplausibleValueError, RecordError, RemitError, UnitError, UnknownCodeError, ValueParseError
from remit.interop.courses import Exposure, group_exposures
from remit.interop.errors import MalformedFileError
from remit.interop.fhir.administrations import read_administration
from remit.interop.fhir.adverse_events import read_adverse_event
from remit.interop.fhir.conditions import read_condition
from remit.interop.fhir.context import ReadContext
from remit.interop.fhir.encounters import read_encounter
from remit.interop.fhir.findings import read_diary_day, read_episode, read_finding, record_kind
from remit.interop.fhir.medications import read_request, read_statement
from remit.interop.fhir.observations import read_encounter_measure, read_observation
from remit.interop.fhir.patients import read_patient
from remit.interop.fhir.terminology import RECORD_DIARY_DAY, RECORD_EPISODE, System
from remit.interop.fhir.validation import validate
from remit.interop.report import Imported, ImportReport

DEFAULT_SITE = "fhir-import"
_WITH_SUBJECT = (
    "Condition",
    "Encounter",
    "Observation",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "AdverseEvent",
)
_REFERENCE_ONLY = ("Medication",)


@dataclass(frozen=True, slots=True)
class Located:
    """A resource and where it was found (``entry[3]``, ``Observation.ndjson:12``)."""

    where: str
    resource: Mapping[str, Any]
    full_url: str | None = None

    @property
    def kind(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def key(self) -> str | None:
        rid = self.resource.get("id")
        return None if rid is None else f"{self.kind}/{rid}"

    @property
    def label(self) -> str:
        """How the report names it: ``Observation/<id>``, else its location."""
        return self.key or self.where


def reason(exc: Exception) -> str:
    """A report reason that says which kind of problem it was."""
    message = exc.message if isinstance(exc, RemitError) else str(exc)
    for kind, label in (
        (UnknownCodeError, "unknown code"),
        (UnitError, "unit not convertible"),
        (ImplausibleValueError, "implausible value"),
        (ValueParseError, "value not readable"),
    ):
        if isinstance(exc, kind):
            return f"{label}: {message}"
    return message


class _Index:
    """Finds the resource a Reference points at and remembers which were used."""

    def __init__(self, located: Sequence[Located]) -> None:
        self.by_key: dict[str, Located] = {}
        for item in located:
            for key in (item.key, item.full_url):
                if key is not None:
                    self.by_key.setdefault(key, item)
        self.used: set[str] = set()

    def find(self, ref: Mapping[str, Any] | None) -> Located | None:
        if not ref or not isinstance(ref.get("reference"), str):
            return None
        text = str(ref["reference"])
        found = self.by_key.get(text)
        if found is None and "/" in text:
            parts = text.split("/_history/", maxsplit=1)[0].rstrip("/").split("/")
            found = self.by_key.get("/".join(parts[-2:]))
        if found is not None and found.key is not None:
            self.used.add(found.key)
        return found

    def resolve(self, ref: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        found = self.find(ref)
        return None if found is None else found.resource


@dataclass
class _Build:
    """One patient being assembled."""

    patient: Patient
    follow_up: tuple[date, date] | None
    ctx: ReadContext
    ids: dict[str, tuple[object, str]] = field(default_factory=dict)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    encounters: dict[str, Encounter] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    medications: list[MedicationCourse] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    adverse_events: list[AdverseEvent] = field(default_factory=list)
    diary: dict[date, tuple[DiaryDay, str]] = field(default_factory=dict)
    exposures: list[Exposure] = field(default_factory=list)
    exposure_notes: dict[str, str] = field(default_factory=dict)

    def record(self) -> PatientRecord:
        return PatientRecord(
            patient=self.patient,
            diagnoses=tuple(self.diagnoses),
            encounters=tuple(self.encounters.values()),
            observations=tuple(self.observations),
            findings=tuple(self.findings),
            medications=tuple(self.medications),
            episodes=tuple(self.episodes),
            adverse_events=tuple(self.adverse_events),
            diary=tuple(day for day, _ in self.diary.values()),
            follow_up=self.follow_up,
        )


def read_resources(
    located: Sequence[Located], *, default_site: str = DEFAULT_SITE, file: str | None = None
) -> Imported:
    """Validate every resource, then build one record per Patient."""
    for item in located:
        validate(item.resource, where=item.where, file=file)
    return _Reader(located, default_site, file).read()


class _Reader:
    def __init__(self, located: Sequence[Located], default_site: str, file: str | None) -> None:
        self.located = located
        self.default_site = default_site
        self.file = file
        self.index = _Index(located)
        self.report = ImportReport()
        self.builds: dict[str, _Build] = {}
        self.patient_keys: dict[str, str] = {}  # Patient/<id>, fullUrl, identifier -> remit patient id

    def read(self) -> Imported:
        for item in self.located:
            if item.kind == "Patient":
                self.patient(item)
        for item in self.located:
            if item.kind == "Encounter":
                self.with_subject(item, _Reader.encounter)
        for item in self.located:
            if item.kind in _WITH_SUBJECT and item.kind != "Encounter":
                self.with_subject(item, self.HANDLERS[item.kind])
            elif item.kind not in _WITH_SUBJECT and item.kind != "Patient":
                self.other(item)
        for build in self.builds.values():
            self.courses_from_administrations(build)
        for item in self.located:
            if item.kind in _REFERENCE_ONLY:
                self.reference_only(item)
        records = []
        for build in self.builds.values():
            try:
                records.append(build.record())
            except RemitError as exc:
                raise MalformedFileError(
                    f"patient {build.patient.id}: the resources do not form a consistent record: {exc.message}",
                    file=self.file,
                ) from exc
        return Imported(tuple(records), self.report)

    # ----- patients and subjects ---------------------------------------------

    def patient(self, item: Located) -> None:
        notes: list[str] = []
        try:
            patient, follow_up = read_patient(item.resource, self.default_site, notes)
        except (RemitError, ValueError) as exc:
            self.report.skipped(item.kind, item.label, reason(exc))
            return
        existing = self.builds.get(patient.id)
        if existing is not None:
            if existing.patient == patient:
                self.report.merged(item.kind, item.label, f"the same patient {patient.id} as an earlier Patient")
                self.remember_patient(item, patient.id)
            else:
                self.report.skipped(item.kind, item.label, f"a second, different Patient with id {patient.id}")
            return
        self.builds[patient.id] = _Build(patient, follow_up, ReadContext(patient.id, self.index.resolve))
        self.remember_patient(item, patient.id)
        self.report.imported(item.kind, item.label, "; ".join(notes) or None)

    def remember_patient(self, item: Located, patient_id: str) -> None:
        for key in (item.key, item.full_url):
            if key is not None:
                self.patient_keys[key] = patient_id
        for ident in item.resource.get("identifier") or ():
            if ident.get("value") is not None:
                self.patient_keys[f"{ident.get('system')}|{ident['value']}"] = patient_id

    def subject_of(self, item: Located) -> _Build | str:
        """The patient's build, or why there is none."""
        ref = item.resource.get("subject") or item.resource.get("patient")
        if not ref:
            return "missing subject"
        target = self.index.find(ref)
        patient_id = None
        if target is not None and target.kind == "Patient":
            patient_id = self.patient_keys.get(target.key or "") or self.patient_keys.get(target.full_url or "")
        ident = ref.get("identifier")
        if patient_id is None and ident:
            patient_id = self.patient_keys.get(f"{ident.get('system')}|{ident.get('value')}")
        if patient_id is None:
            shown = ref.get("reference") or (f"identifier {ident.get('value')}" if ident else "a reference")
            return f"missing subject: {shown} is not an imported Patient of this input"
        return self.builds[patient_id]

    def with_subject(self, item: Located, handle: Callable[[_Reader, Located, _Build], None]) -> None:
        build = self.subject_of(item)
        if isinstance(build, str):
            self.report.skipped(item.kind, item.label, build)
            return
        build.ctx.notes = []
        try:
            handle(self, item, build)
        except (RemitError, ValueError) as exc:
            self.report.skipped(item.kind, item.label, reason(exc))

    def done(self, item: Located, build: _Build) -> None:
        self.report.imported(item.kind, item.label, "; ".join(build.ctx.notes) or None)

    def claim(self, item: Located, build: _Build, item_id: str, value: object) -> bool:
        """False (and a report line) when the id is taken."""
        earlier = build.ids.get(item_id)
        if earlier is None:
            build.ids[item_id] = (value, item.label)
            return True
        if earlier[0] == value:
            self.report.merged(item.kind, item.label, f"a duplicate of {earlier[1]}")
        else:
            self.report.skipped(item.kind, item.label, f"id {item_id!r} is already used by {earlier[1]}")
        return False

    # ----- resource handlers -------------------------------------------------

    def encounter(self, item: Located, build: _Build) -> None:
        encounter = read_encounter(item.resource)
        if self.claim(item, build, encounter.id, encounter):
            build.encounters[encounter.id] = encounter
            for key in (item.key, item.full_url):
                if key is not None:
                    build.ctx.encounters[key] = encounter.id
            self.done(item, build)

    def condition(self, item: Located, build: _Build) -> None:
        diagnosis = read_condition(item.resource, build.ctx)
        if self.claim(item, build, diagnosis.id, diagnosis):
            build.diagnoses.append(diagnosis)
            self.done(item, build)

    def observation(self, item: Located, build: _Build) -> None:
        kind = record_kind(item.resource)
        if kind == "finding":
            finding = read_finding(item.resource, build.ctx)
            if self.claim(item, build, finding.id, finding):
                build.findings.append(finding)
                self.done(item, build)
        elif kind == RECORD_EPISODE:
            episode = read_episode(item.resource)
            if self.claim(item, build, episode.id, episode):
                build.episodes.append(episode)
                self.done(item, build)
        elif kind == RECORD_DIARY_DAY:
            self.diary_day(item, build)
        elif kind is not None:
            raise UnknownCodeError(f"unknown remit record kind {kind!r} in {System.RECORD_KIND}")
        elif not self.encounter_measure(item, build):
            observation = read_observation(item.resource, build.ctx)
            if self.claim(item, build, observation.id, observation):
                build.observations.append(observation)
                self.done(item, build)

    def diary_day(self, item: Located, build: _Build) -> None:
        day = read_diary_day(item.resource)
        earlier = build.diary.get(day.date)
        if earlier is None:
            build.diary[day.date] = (day, item.label)
            self.done(item, build)
        elif earlier[0] == day:
            self.report.merged(item.kind, item.label, f"a duplicate of {earlier[1]}")
        else:
            self.report.skipped(item.kind, item.label, f"a second, different diary day for {day.date}")

    def encounter_measure(self, item: Located, build: _Build) -> bool:
        """Put a visit's weight or height on the visit; False if this is not one
        or its visit is not there (then it is imported as an observation)."""
        found = read_encounter_measure(item.resource)
        if found is None:
            return False
        name, measurement, notes = found
        target = self.index.find(item.resource.get("encounter"))
        encounter_id = build.ctx.encounters.get(target.key or "") if target is not None else None
        encounter = build.encounters.get(encounter_id or "")
        if encounter is None or getattr(encounter, name) is not None:
            why = "its Encounter is not imported" if encounter is None else f"its Encounter already has a {name}"
            build.ctx.notes.append(f"kept as an observation: {why}")
            return False
        build.encounters[encounter.id] = _with_measure(encounter, name, measurement)
        self.report.merged(item.kind, item.label, f"the {name} of Encounter {encounter.id}" + _notes(notes))
        return True

    def statement(self, item: Located, build: _Build) -> None:
        self.course(item, build, read_statement(item.resource, build.ctx))

    def request(self, item: Located, build: _Build) -> None:
        self.course(item, build, read_request(item.resource, build.ctx))

    def course(self, item: Located, build: _Build, course: MedicationCourse) -> None:
        if self.claim(item, build, course.id, course):
            build.medications.append(course)
            self.done(item, build)

    def administration(self, item: Located, build: _Build) -> None:
        build.exposures.append(read_administration(item.resource, build.ctx, item.label))
        if build.ctx.notes:
            build.exposure_notes[item.label] = "; ".join(build.ctx.notes)

    def adverse_event(self, item: Located, build: _Build) -> None:
        event = read_adverse_event(item.resource, build.ctx)
        if self.claim(item, build, event.id, event):
            build.adverse_events.append(event)
            self.done(item, build)

    HANDLERS: Mapping[str, Callable[[_Reader, Located, _Build], None]] = {
        "Condition": condition,
        "Observation": observation,
        "MedicationStatement": statement,
        "MedicationRequest": request,
        "MedicationAdministration": administration,
        "AdverseEvent": adverse_event,
    }

    def courses_from_administrations(self, build: _Build) -> None:
        kind = "MedicationAdministration"
        for course, exposures in group_exposures(build.exposures):
            first, *rest = exposures
            if build.ids.get(course.id) is not None:
                for exposure in exposures:
                    self.report.skipped(kind, exposure.where, f"course id {course.id!r} is already used")
                continue
            build.ids[course.id] = (course, first.where)
            build.medications.append(course)
            self.report.imported(kind, first.where, _joined(f"started course {course.id}", build, first.where))
            for exposure in rest:
                why = _joined(f"an administration in course {course.id}", build, exposure.where)
                self.report.merged(kind, exposure.where, why)

    def other(self, item: Located) -> None:
        if item.kind in _REFERENCE_ONLY:
            return
        if item.kind == "OperationOutcome":
            issues = [i.get("diagnostics") or i.get("code") for i in item.resource.get("issue") or ()]
            text = "; ".join(str(i) for i in issues if i) or "no details"
            self.report.skipped(item.kind, item.label, f"the sending server reported: {text}")
            return
        self.report.skipped(item.kind, item.label, f"resource type {item.kind} is not imported by remit")

    def reference_only(self, item: Located) -> None:
        if item.key in self.index.used:
            self.report.merged(item.kind, item.label, "its code was used by the medication resources naming it")
        else:
            self.report.skipped(item.kind, item.label, "a Medication no imported resource refers to")


def _with_measure(encounter: Encounter, name: str, measurement: Measurement) -> Encounter:
    if name == "weight":
        return replace(encounter, weight=measurement)
    return replace(encounter, height=measurement)


def _notes(notes: list[str]) -> str:
    return f" ({'; '.join(notes)})" if notes else ""


def _joined(text: str, build: _Build, where: str) -> str:
    note = build.exposure_notes.get(where)
    return f"{text}; {note}" if note else text


def check_complete(imported: Imported, what: str) -> None:
    """Raise unless every data-bearing resource was used (for evaluating a
    Bundle directly, where a silently incomplete record would mislead)."""
    problems = [
        line.describe()
        for line in imported.report.lines
        if line.outcome.value == "skipped" and not (line.reason or "").startswith("resource type ")
    ]
    if problems:
        raise RecordError(
            f"{what}: {len(problems)} resource(s) could not be read, so the record would be incomplete: "
            + "; ".join(problems[:5])
            + (" ..." if len(problems) > 5 else "")
            + " (import it with `remit import-fhir` to see the whole report)"
        )
