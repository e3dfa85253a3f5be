"""Reading a case file into a :class:`~remit.core.record.PatientRecord`.

Reading happens in two steps. The pydantic models in
:mod:`remit.casefiles.schema` check the shape of the file; then every value is
turned into core types here, through :func:`~remit.core.measurements.measure`
and :func:`~remit.core.measurements.reference_range` (so units and
plausibility are enforced in one place for the whole of remit) and through the
core lookup tables (analytes, findings, conditions).

Whatever goes wrong, the caller gets one :class:`~remit.errors.CaseFileError`
naming the file and the path inside it (``observations[3].unit``), because the
person who must fix it is looking at that file, not at remit's internals.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from remit.casefiles import dates
from remit.casefiles.documents import decode, syntax_of
from remit.casefiles.schema import (
    AdverseEventEntry,
    CaseFile,
    CodingEntry,
    DiagnosisEntry,
    DiaryEntry,
    EncounterEntry,
    EpisodeEntry,
    FindingEntry,
    MedicationEntry,
    ObservationEntry,
    PatientEntry,
    QuantityEntry,
    ReferenceRangeEntry,
)
from remit.core.analytes import analyte
from remit.core.codes import Coding, system_uri
from remit.core.conditions import condition
from remit.core.doses import dose_amount
from remit.core.findings import finding_kind
from remit.core.measurements import Measurement, ReferenceRange, measure, reference_range
from remit.core.medications import Dose, MedicationCourse
from remit.core.record import (
    AdverseEvent,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    Finding,
    Genotype,
    Observation,
    Patient,
    PatientRecord,
)
from remit.errors import CaseFileError, RemitError, UnknownCodeError

T = TypeVar("T")
_MAX_LISTED = 5


def load(path: str | os.PathLike[str]) -> PatientRecord:
    """Read a ``.yaml``, ``.yml`` or ``.json`` case file."""
    file = Path(path)
    source = str(path)
    syntax = syntax_of(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"cannot read the file: {exc}", file=source) from exc
    data = decode(text, syntax, source=source)
    if not isinstance(data, Mapping):
        raise CaseFileError("a case file is a mapping of sections (format, patient, ...) at the top level", file=source)
    return parse(data, source=source)


def parse(data: Mapping[str, Any], *, source: str) -> PatientRecord:
    """Build a record from already-decoded case-file data (a YAML/JSON mapping).

    ``source`` names where the data came from (a path, an upload name) and is
    what error messages show as the file.
    """
    _refuse_nul(data, source, "")
    try:
        case = CaseFile.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, source) from exc
    return _Reader(case, source).record()


def _refuse_nul(data: Any, source: str, path: str) -> None:
    """Refuse text holding U+0000, naming where: PostgreSQL cannot store it (SQLite can), and a
    case file must read the same on both backends instead of failing at storage."""
    if isinstance(data, str):
        if "\x00" in data:
            raise CaseFileError("text may not contain a NUL character (U+0000)", file=source, field=path or None)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                raise CaseFileError("a key may not contain a NUL character (U+0000)", file=source, field=path or None)
            _refuse_nul(value, source, where)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _refuse_nul(value, source, f"{path}[{i}]")


class _Reader:
    """Turns one validated :class:`CaseFile` into core types, tracking paths for errors."""

    def __init__(self, case: CaseFile, source: str) -> None:
        self.case = case
        self.source = source
        self.day_zero = date.fromisoformat(case.day_zero) if case.day_zero is not None else None
        self.ids: dict[str, str] = {}
        self.encounter_ids: set[str] = set()

    def record(self) -> PatientRecord:
        case = self.case
        patient = self.patient(case.patient)
        follow_up = None
        if case.follow_up is not None:
            start = self.day(case.follow_up.start, "follow_up.start")
            end = self.day(case.follow_up.end, "follow_up.end")
            self.in_order(start, end, "follow_up.end", "the follow-up ends before it starts")
            follow_up = (start, end)
        diagnoses = tuple(self.diagnosis(d, f"diagnoses[{i}]") for i, d in enumerate(case.diagnoses))
        encounters = tuple(self.encounter(e, f"encounters[{i}]") for i, e in enumerate(case.encounters))
        observations = tuple(self.observation(o, f"observations[{i}]") for i, o in enumerate(case.observations))
        findings = tuple(self.finding(f, f"findings[{i}]") for i, f in enumerate(case.findings))
        medications = tuple(self.medication(m, f"medications[{i}]") for i, m in enumerate(case.medications))
        episodes = tuple(self.episode(e, f"episodes[{i}]") for i, e in enumerate(case.episodes))
        adverse_events = tuple(self.adverse_event(a, f"adverse_events[{i}]") for i, a in enumerate(case.adverse_events))
        diary = self.diary(case.diary)
        try:
            return PatientRecord(
                patient=patient,
                diagnoses=diagnoses,
                encounters=encounters,
                observations=observations,
                findings=findings,
                medications=medications,
                episodes=episodes,
                adverse_events=adverse_events,
                diary=diary,
                follow_up=follow_up,
            )
        except RemitError as exc:  # the checks above should have caught it with a precise path
            raise self.error(exc.message, exc.field) from exc

    # ----- sections --------------------------------------------------------

    def patient(self, entry: PatientEntry) -> Patient:
        birth = BirthDate(*dates.birth_parts(entry.birth)) if entry.birth is not None else None
        genotypes = tuple(
            Genotype(gene=g.gene, variant=g.variant, zygosity=g.zygosity, classification=g.classification)
            for g in entry.genotypes
        )
        return Patient(
            id=entry.id,
            site=entry.site,
            sex=entry.sex,
            birth=birth,
            genotypes=genotypes,
            ethnicity=entry.ethnicity,
            note=entry.note,
        )

    def diagnosis(self, entry: DiagnosisEntry, path: str) -> Diagnosis:
        self.claim(entry.id, path)
        known = self.lookup(condition, entry.condition, f"{path}.condition")
        codings = [self.coding(c) for c in entry.codings]
        present = {(c.system, c.code) for c in codings}
        codings += [c for c in known.codings if (c.system, c.code) not in present]
        return Diagnosis(
            id=entry.id,
            condition=known.id,
            onset=self.optional_day(entry.onset, f"{path}.onset"),
            status=entry.status,
            codings=tuple(codings),
            recorded=self.optional_day(entry.recorded, f"{path}.recorded"),
            note=entry.note,
        )

    def encounter(self, entry: EncounterEntry, path: str) -> Encounter:
        self.claim(entry.id, path)
        self.encounter_ids.add(entry.id)
        day = self.day(entry.date, f"{path}.date")
        end = self.optional_day(entry.end, f"{path}.end")
        if end is not None:
            self.in_order(day, end, f"{path}.end", f"encounter {entry.id} ends before it starts")
        weight = self.quantity("weight", entry.weight, f"{path}.weight") if entry.weight is not None else None
        height = self.quantity("height", entry.height, f"{path}.height") if entry.height is not None else None
        return Encounter(
            id=entry.id,
            date=day,
            kind=entry.kind,
            month=entry.month,
            weight=weight,
            height=height,
            end=end,
            note=entry.note,
        )

    def observation(self, entry: ObservationEntry, path: str) -> Observation:
        self.claim(entry.id, path)
        analyte_id = self.lookup(analyte, entry.analyte, f"{path}.analyte").id
        reference = self.reference(analyte_id, entry.reference_range, f"{path}.reference_range")
        measurement = self.measured(analyte_id, entry.value, entry.unit, reference, path)
        return Observation(
            id=entry.id,
            measurement=measurement,
            date=self.day(entry.date, f"{path}.date"),
            time=dates.time_of_day(entry.time) if entry.time is not None else None,
            encounter=self.encounter_ref(entry.encounter, f"{path}.encounter"),
            source=entry.source,
            code=self.coding(entry.code) if entry.code is not None else None,
        )

    def finding(self, entry: FindingEntry, path: str) -> Finding:
        self.claim(entry.id, path)
        kind = self.lookup(finding_kind, entry.kind, f"{path}.kind")
        for name in entry.attributes:
            if name not in kind.attributes:
                allowed = f"allowed: {', '.join(kind.attributes)}" if kind.attributes else "it takes none"
                raise self.error(f"finding {kind.id} has no attribute {name!r}; {allowed}", f"{path}.attributes.{name}")
        value = None
        if entry.value is not None:
            if kind.value_analyte is None:
                raise self.error(f"finding {kind.id} carries no measured value; remove value", f"{path}.value")
            value = self.quantity(kind.value_analyte, entry.value, f"{path}.value")
        start = self.day(entry.start, f"{path}.start")
        end = self.optional_day(entry.end, f"{path}.end")
        if end is not None:
            self.in_order(start, end, f"{path}.end", f"finding {entry.id} ends before it starts")
        return Finding(
            id=entry.id,
            kind=kind.id,
            start=start,
            present=entry.present,
            end=end,
            value=value,
            attributes=tuple(entry.attributes.items()),
            encounter=self.encounter_ref(entry.encounter, f"{path}.encounter"),
            note=entry.note,
        )

    def medication(self, entry: MedicationEntry, path: str) -> MedicationCourse:
        self.claim(entry.id, path)
        indication = None
        if entry.indication is not None:
            indication = self.lookup(condition, entry.indication, f"{path}.indication").id
        start = self.day(entry.start, f"{path}.start")
        stop = self.optional_day(entry.stop, f"{path}.stop")
        if stop is not None:
            self.in_order(start, stop, f"{path}.stop", f"course {entry.id} stops before it starts")
        doses: list[Dose] = []
        for j, dose in enumerate(entry.doses):
            where = f"{path}.doses[{j}]"
            begins = self.day(dose.start, f"{where}.start")
            self.in_order(start, begins, f"{where}.start", "this dosing step starts before the course")
            if stop is not None:
                self.in_order(begins, stop, f"{where}.start", "this dosing step starts after the course stops")
            if doses:
                self.in_order(doses[-1].start, begins, f"{where}.start", "dosing steps must be listed in time order")
            step = Dose(
                start=begins,
                amount=dose.amount,
                unit=dose.unit,
                frequency=dose.frequency,
                text=dose.text,
                count=dose.count,
            )
            try:
                dose_amount(step)  # the reading dose checks and the PK model will use
            except RemitError as exc:
                raise self.error(exc.message, f"{where}.{exc.field or 'unit'}") from exc
            doses.append(step)
        return MedicationCourse(
            id=entry.id,
            drug=entry.drug,
            route=entry.route,
            start=start,
            doses=tuple(doses),
            stop=stop,
            stop_reason=entry.stop_reason,
            switched_to=entry.switched_to,
            indication=indication,
            note=entry.note,
        )

    def episode(self, entry: EpisodeEntry, path: str) -> Episode:
        self.claim(entry.id, path)
        features = tuple(self.lookup(finding_kind, f, f"{path}.features[{k}]").id for k, f in enumerate(entry.features))
        start = self.day(entry.start, f"{path}.start")
        end = self.optional_day(entry.end, f"{path}.end")
        if end is not None:
            self.in_order(start, end, f"{path}.end", f"episode {entry.id} ends before it starts")
        return Episode(
            id=entry.id,
            kind=entry.kind,
            start=start,
            end=end,
            features=features,
            attributes=tuple(entry.attributes.items()),
            duration_hours=entry.duration_hours,
            note=entry.note,
        )

    def adverse_event(self, entry: AdverseEventEntry, path: str) -> AdverseEvent:
        self.claim(entry.id, path)
        onset = self.day(entry.onset, f"{path}.onset")
        end = self.optional_day(entry.end, f"{path}.end")
        if end is not None:
            self.in_order(onset, end, f"{path}.end", f"adverse event {entry.id} ends before its onset")
        return AdverseEvent(
            id=entry.id,
            term=entry.term,
            onset=onset,
            end=end,
            serious_criteria=frozenset(entry.serious),
            relatedness=entry.relatedness,
            outcome=entry.outcome,
            drug=entry.drug,
            note=entry.note,
        )

    def diary(self, entries: list[DiaryEntry]) -> tuple[DiaryDay, ...]:
        days: dict[date, str] = {}
        result = []
        for i, entry in enumerate(entries):
            path = f"diary[{i}].date"
            day = self.day(entry.date, path)
            if day in days:
                raise self.error(f"a second diary entry for {day}; the first is {days[day]}", path)
            days[day] = f"diary[{i}]"
            result.append(DiaryDay(date=day, items=entry.answers(), pain_relief=entry.pain_relief))
        return tuple(result)

    # ----- values ----------------------------------------------------------

    def quantity(self, analyte_id: str, entry: QuantityEntry, path: str) -> Measurement:
        reference = self.reference(analyte_id, entry.reference_range, f"{path}.reference_range")
        return self.measured(analyte_id, entry.value, entry.unit, reference, path)

    def measured(
        self, analyte_id: str, value: str, unit: str | None, reference: ReferenceRange | None, path: str
    ) -> Measurement:
        try:
            return measure(analyte_id, value, unit, reference=reference, field=f"{path}.value")
        except RemitError as exc:
            raise self.error(exc.message, _within(exc.field, path, f"{path}.value")) from exc

    def reference(self, analyte_id: str, entry: ReferenceRangeEntry | None, path: str) -> ReferenceRange | None:
        if entry is None:
            return None
        if entry.low is not None and entry.high is not None and entry.low > entry.high:
            raise self.error(f"the upper limit {entry.high:g} is below the lower limit {entry.low:g}", f"{path}.high")
        try:
            return reference_range(analyte_id, entry.low, entry.high, entry.unit, source=entry.source, field=path)
        except RemitError as exc:
            raise self.error(exc.message, _within(exc.field, path, f"{path}.unit")) from exc

    def coding(self, entry: CodingEntry) -> Coding:
        return Coding(system_uri(entry.system), entry.code, entry.display)

    # ----- references, ids and dates ---------------------------------------

    def claim(self, item_id: str, path: str) -> None:
        first = self.ids.get(item_id)
        if first is not None:
            raise self.error(f"duplicate id {item_id!r}; it is already used at {first}", f"{path}.id")
        self.ids[item_id] = path

    def encounter_ref(self, encounter_id: str | None, path: str) -> str | None:
        if encounter_id is not None and encounter_id not in self.encounter_ids:
            known = ", ".join(sorted(self.encounter_ids)) or "none"
            raise self.error(f"no encounter with id {encounter_id!r} (encounters: {known})", path)
        return encounter_id

    def lookup(self, find: Callable[[str], T], key: str, path: str) -> T:
        try:
            return find(key)
        except UnknownCodeError as exc:
            raise self.error(exc.message, path) from exc

    def day(self, text: str, path: str) -> date:
        try:
            return dates.resolve(text, self.day_zero)
        except ValueError as exc:
            raise self.error(str(exc), path) from exc

    def optional_day(self, text: str | None, path: str) -> date | None:
        return None if text is None else self.day(text, path)

    def in_order(self, first: date, then: date, path: str, message: str) -> None:
        if then < first:
            raise self.error(f"{message} ({then} is before {first})", path)

    def error(self, message: str, path: str | None) -> CaseFileError:
        return CaseFileError(message, file=self.source, field=path)


def _within(field: str | None, prefix: str, default: str) -> str:
    """Core errors name the field they were given; keep it only if it is a full path."""
    return field if field is not None and field.startswith(prefix) else default


# ----- schema errors ---------------------------------------------------------


def _schema_error(exc: ValidationError, source: str) -> CaseFileError:
    """One error naming the first problem's path, listing a few more so a user
    can fix several at once."""
    problems = [(_path(e["loc"]), _describe(e)) for e in exc.errors()]
    field, message = problems[0]
    rest = problems[1:]
    if rest:
        listed = "; ".join(f"{f}: {m}" for f, m in rest[:_MAX_LISTED])
        more = " ..." if len(rest) > _MAX_LISTED else ""
        message = f"{message} (also {len(rest)} more: {listed}{more})"
    return CaseFileError(message, file=source, field=field or None)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _fields_at(error["loc"])
        return f"unknown field {error['loc'][-1]!r}" + (f"; expected one of: {', '.join(allowed)}" if allowed else "")
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if kind == "string_type" and isinstance(value, int | float):
        return f"expected text, got the number {value!r}; put it in quotes"
    if kind != "value_error" and isinstance(value, str | int | float | bool):
        return f"{message}; got {value!r}"
    return message


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The field names allowed where an unknown key was found."""
    model: type[BaseModel] = CaseFile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        nested = _model_in(info.annotation) if info is not None else None
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
