"""The data-entry forms: which fields each shows, and reading what was typed.

A form reads text into the frozen domain types through the same functions the
case files use (:func:`remit.core.measurements.measure` for every value, so a
censored ">2000", a qualitative "high" and a unit slip are handled exactly as
on import). Every problem is reported beside its field - the field names are
the ones :class:`~remit.errors.RemitError` carries (``labs[2].unit``) - and the
values typed are kept. Nothing here stores anything: :meth:`SectionForm.apply`
returns the changed record, which a service stores.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from remit.core.analytes import ANALYTES, ValueKind
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS, finding_kind
from remit.core.measurements import Measurement, measure
from remit.core.record import (
    AIDAI_ITEMS,
    AdverseEvent,
    AdverseEventOutcome,
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    DiaryDay,
    Dose,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Frequency,
    MedicationCourse,
    Observation,
    Patient,
    PatientRecord,
    Relatedness,
    Route,
    SeriousCriterion,
    Sex,
    StopReason,
)
from remit.drugs import DRUGS
from remit.errors import RemitError
from remit.services.web_records import ChangeMade, find_item, next_id, with_item

Values = dict[str, str | list[str]]
LAB_ROWS = 6
DOSE_UNITS = ("mg", "mg/kg", "mg/m2", "g", "g/m2", "ug/kg", "mg/kg/h", "mg/kg/d")


class FormInvalid(RemitError, ValueError):
    """One or more fields could not be read; ``errors`` maps field name to message."""

    code = "invalid_form"

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | date | select | textarea | checkboxes | datalist
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""


@dataclass
class FormState:
    """What a form shows: values (as typed), errors by field, a message, and for a
    stale edit the changes stored since the version the user started from."""

    values: Values = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    changes: tuple[ChangeMade, ...] = ()
    version: int | None = None

    def value(self, name: str) -> str:
        found = self.values.get(name, "")
        return found if isinstance(found, str) else (found[0] if found else "")

    def chosen(self, name: str) -> list[str]:
        found = self.values.get(name, [])
        return [found] if isinstance(found, str) else list(found)

    def error(self, name: str) -> str | None:
        return self.errors.get(name)


def form_values(items: Iterable[tuple[str, Any]], multi: Iterable[str] = ()) -> Values:
    """The submitted fields as strings (lists for the names in ``multi``)."""
    lists = set(multi)
    values: Values = {}
    for name, value in items:
        if not isinstance(value, str):
            continue
        if name in lists:
            found = values.setdefault(name, [])
            assert isinstance(found, list)
            found.append(value)
        else:
            values[name] = value
    return values


def _choices(enum_type: type[enum.Enum], blank: bool = False) -> tuple[tuple[str, str], ...]:
    found = tuple((str(m.value), str(m.value).replace("_", " ")) for m in enum_type)
    return ((("", "—"),) + found) if blank else found


CONDITION_CHOICES = tuple((c.id, c.name) for c in CONDITIONS.values())
DRUG_CHOICES = tuple((d, DRUGS[d].name) for d in DRUGS)
FINDING_CHOICES = tuple((k.id, k.name) for k in FINDING_KINDS.values())
ANALYTE_CHOICES = (("", "—"),) + tuple((a.id, a.name) for a in ANALYTES.values())


def unit_choices() -> dict[str, tuple[str, ...]]:
    """Units offered per analyte (canonical first); an empty tuple means dimensionless."""
    return {a.id: a.unit_choices or ((a.canonical_unit,) if a.canonical_unit != "1" else ()) for a in ANALYTES.values()}


ALL_LAB_UNITS = tuple(dict.fromkeys(u for units in unit_choices().values() for u in units))


# ----- reading fields --------------------------------------------------------------------------


class _Reader:
    """Reads fields one by one, collecting every error instead of stopping at the first."""

    def __init__(self, values: Values) -> None:
        self.values = values
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, required: bool = False) -> str | None:
        raw = self.values.get(name, "")
        text = (raw if isinstance(raw, str) else ",".join(raw)).strip()
        if not text:
            if required:
                self.errors[name] = "required"
            return None
        return text

    def date(self, name: str, *, required: bool = False) -> date | None:
        text = self.text(name, required=required)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors[name] = f"{text!r} is not a date; use YYYY-MM-DD"
            return None

    def choice(self, name: str, allowed: Iterable[str], *, required: bool = False) -> str | None:
        text = self.text(name, required=required)
        if text is None:
            return None
        options = list(allowed)
        if text not in options:
            self.errors[name] = f"{text!r} is not one of the choices"
            return None
        return text

    def number(self, name: str, *, required: bool = False, minimum: float | None = None) -> float | None:
        text = self.text(name, required=required)
        if text is None:
            return None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            self.errors[name] = f"{text!r} is not a number"
            return None
        if minimum is not None and number < minimum:
            self.errors[name] = f"must be at least {minimum:g}"
            return None
        return number

    def integer(self, name: str, *, minimum: int = 0) -> int | None:
        number = self.number(name, minimum=minimum)
        if number is None:
            return None
        if not number.is_integer():
            self.errors[name] = "a whole number"
            return None
        return int(number)

    def measurement(self, analyte: str, value_name: str, unit_name: str) -> Measurement | None:
        value = self.text(value_name)
        if value is None:
            return None
        unit = self.text(unit_name)
        return self.attempt(lambda: measure(analyte, value, unit, field=value_name), value_name)

    def attempt(self, make: Callable[[], Any], name: str) -> Any:
        """Run ``make``; a RemitError is recorded beside its own field (or ``name``)."""
        try:
            return make()
        except RemitError as exc:
            self.errors[exc.field or name] = exc.message
            return None

    def done(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _number_text(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


# ----- the patient form ------------------------------------------------------------------------


def patient_fields(sites: Iterable[str], *, new: bool) -> list[Field]:
    fields = []
    if new:
        fields.append(Field("id", "Patient id", required=True,
                            hint="the registry pseudonym, e.g. site-0042; never a name or hospital number"))
    fields += [
        Field("site", "Site", "select", tuple((s, s) for s in sorted(sites)), required=True),
        Field("sex", "Sex", "select", _choices(Sex), required=True),
        Field("birth", "Birth (year-month, or full date)", hint="YYYY-MM or YYYY-MM-DD"),
        Field("ethnicity", "Ethnicity"),
        Field("note", "Note", "textarea"),
    ]
    if new:
        fields += [
            Field("condition", "Diagnosis", "select", CONDITION_CHOICES, required=True),
            Field("onset", "Onset of the disease", "date"),
        ]
    return fields


def patient_values(record: PatientRecord) -> Values:
    p = record.patient
    return {"site": p.site, "sex": p.sex.value, "birth": p.birth.iso() if p.birth else "",
            "ethnicity": p.ethnicity or "", "note": p.note or ""}


def _birth(reader: _Reader) -> BirthDate | None:
    text = reader.text("birth")
    if text is None:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if match is None:
        reader.errors["birth"] = f"{text!r}: write YYYY-MM or YYYY-MM-DD"
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3]) if match[3] else None
    try:
        return BirthDate(year, month, day)
    except ValueError as exc:
        reader.errors["birth"] = str(exc)
        return None


def new_patient(values: Values, sites: Iterable[str]) -> PatientRecord:
    r = _Reader(values)
    patient_id = r.text("id", required=True)
    if patient_id is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}", patient_id):
        r.errors["id"] = "letters, digits, '.', '_' and '-' only (up to 63)"
    site = r.choice("site", sites, required=True)
    sex = r.choice("sex", [s.value for s in Sex], required=True)
    birth = _birth(r)
    condition = r.choice("condition", CONDITIONS, required=True)
    onset = r.date("onset")
    r.done()
    assert patient_id is not None and site is not None and sex is not None and condition is not None
    patient = Patient(patient_id, site, Sex(sex), birth, ethnicity=r.text("ethnicity"), note=r.text("note"))
    return PatientRecord(patient, diagnoses=(Diagnosis("dx1", condition, onset),))


def edited_patient(record: PatientRecord, values: Values, sites: Iterable[str]) -> PatientRecord:
    r = _Reader(values)
    site = r.choice("site", sites, required=True)
    sex = r.choice("sex", [s.value for s in Sex], required=True)
    birth = _birth(r)
    r.done()
    assert site is not None and sex is not None
    patient = dataclasses.replace(record.patient, site=site, sex=Sex(sex), birth=birth,
                                  ethnicity=r.text("ethnicity"), note=r.text("note"))
    return dataclasses.replace(record, patient=patient)


# ----- item forms ------------------------------------------------------------------------------


class SectionForm:
    """One kind of item of a record (an encounter with its labs, a finding ...)."""

    slug: str  # in URLs
    section: str  # PatientRecord attribute
    title: str
    prefix: str  # of new item ids

    def fields(self, record: PatientRecord) -> list[Field]:
        raise NotImplementedError

    def initial(self, record: PatientRecord) -> Values:
        return {}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        raise NotImplementedError

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        raise NotImplementedError

    def multi(self) -> tuple[str, ...]:
        return ()

    def new_id(self, record: PatientRecord, item_id: str | None) -> str:
        return item_id or next_id(record, self.prefix)


class DiagnosisForm(SectionForm):
    slug, section, title, prefix = "diagnoses", "diagnoses", "Diagnosis", "dx-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("condition", "Condition", "select", CONDITION_CHOICES, required=True),
            Field("onset", "Onset", "date"),
            Field("status", "Status", "select", _choices(DiagnosisStatus), required=True),
            Field("recorded", "Recorded on", "date"),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"status": "active"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        d: Diagnosis = find_item(record, self.section, item_id)
        return {"condition": d.condition, "onset": _iso(d.onset), "status": d.status.value,
                "recorded": _iso(d.recorded), "note": d.note or ""}

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = _Reader(values)
        condition = r.choice("condition", CONDITIONS, required=True)
        onset = r.date("onset")
        status = r.choice("status", [s.value for s in DiagnosisStatus], required=True)
        recorded = r.date("recorded")
        r.done()
        assert condition is not None and status is not None
        old = find_item(record, self.section, item_id) if item_id else None
        item = Diagnosis(self.new_id(record, item_id), condition, onset, DiagnosisStatus(status),
                         old.codings if old is not None and old.condition == condition else (), recorded,
                         r.text("note"))
        return with_item(record, self.section, item)


class EncounterForm(SectionForm):
    """A visit with its labs: the labs entered here are the observations linked to the visit."""

    slug, section, title, prefix = "encounters", "encounters", "Encounter with labs", "e-w"

    def __init__(self, lab_rows: int = LAB_ROWS) -> None:
        self.lab_rows = lab_rows

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("date", "Date", "date", required=True),
            Field("kind", "Kind", "select", _choices(EncounterKind), required=True),
            Field("month", "Scheduled month", hint="the follow-up month of a scheduled visit (optional)"),
            Field("end", "Discharge date (admissions)", "date"),
            Field("weight", "Weight (kg)"),
            Field("height", "Height (cm)"),
            Field("fever", "Fever: maximum temperature (°C)",
                  hint="records a fever finding on this date; leave empty if afebrile or not recorded"),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"kind": "unscheduled"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        e: Encounter = find_item(record, self.section, item_id)
        values: Values = {"date": _iso(e.date), "kind": e.kind.value, "month": "" if e.month is None else str(e.month),
                          "end": _iso(e.end), "weight": e.weight.text if e.weight else "",
                          "height": e.height.text if e.height else "", "note": e.note or ""}
        fever = next((f for f in record.findings if f.encounter == item_id and f.kind == "fever"), None)
        if fever is not None and fever.value is not None:
            values["fever"] = fever.value.text
        for i, obs in enumerate(o for o in record.observations if o.encounter == item_id):
            values[f"labs[{i}].analyte"] = obs.analyte
            values[f"labs[{i}].value"] = obs.measurement.text
            values[f"labs[{i}].unit"] = obs.measurement.unit or ""
        return values

    def rows_for(self, values: Values) -> int:
        used = [int(m[1]) for name in values if (m := re.fullmatch(r"labs\[(\d+)\]\.analyte", name))]
        return max(self.lab_rows, max(used, default=-1) + 2)

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = _Reader(values)
        day = r.date("date", required=True)
        kind = r.choice("kind", [k.value for k in EncounterKind], required=True)
        month = r.integer("month")
        end = r.date("end")
        weight_text, height_text = r.text("weight"), r.text("height")
        weight = r.attempt(lambda: measure("weight", weight_text, "kg", field="weight"), "weight") \
            if weight_text else None
        height = r.attempt(lambda: measure("height", height_text, "cm", field="height"), "height") \
            if height_text else None
        fever_text = r.text("fever")
        fever = r.attempt(lambda: measure("temperature", fever_text, "Cel", field="fever"), "fever") \
            if fever_text else None
        labs: list[tuple[int, Measurement]] = []
        for i in range(self.rows_for(values)):
            analyte = r.choice(f"labs[{i}].analyte", ANALYTES)
            value = r.text(f"labs[{i}].value")
            if analyte is None:
                if value is not None and f"labs[{i}].analyte" not in r.errors:
                    r.errors[f"labs[{i}].analyte"] = "choose the analyte of this value"
                continue
            if value is None:
                r.errors[f"labs[{i}].value"] = "required (or clear the analyte)"
                continue
            found = r.measurement(analyte, f"labs[{i}].value", f"labs[{i}].unit")
            if found is not None:
                labs.append((i, found))
        r.done()
        assert day is not None and kind is not None
        encounter_id = self.new_id(record, item_id)
        encounter = Encounter(encounter_id, day, EncounterKind(kind), month, weight, height, end, r.text("note"))
        changed = with_item(record, self.section, encounter)
        taken: list[str] = []
        observations = [o for o in changed.observations if o.encounter != encounter_id]
        for _, m in labs:
            obs_id = next_id(changed, f"{encounter_id}-o", taken)
            taken.append(obs_id)
            observations.append(Observation(obs_id, m, day, encounter=encounter_id))
        findings = [f for f in changed.findings if not (f.encounter == encounter_id and f.kind == "fever")]
        if fever is not None:
            findings.append(Finding(next_id(changed, f"{encounter_id}-f", taken), "fever", day, True, None, fever,
                                    encounter=encounter_id))
        return dataclasses.replace(changed, observations=tuple(observations), findings=tuple(findings))


class FindingForm(SectionForm):
    slug, section, title, prefix = "findings", "findings", "Finding", "f-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("kind", "Finding", "select", FINDING_CHOICES, required=True),
            Field("present", "Present?", "select", (("yes", "present"), ("no", "absent")), required=True),
            Field("start", "From", "date", required=True),
            Field("end", "Until", "date", hint="leave empty for a single day"),
            Field("value", "Value", hint="for findings that carry one: temperature °C, cm below the costal margin"),
            Field("unit", "Unit of the value", "datalist", tuple((u, u) for u in ("Cel", "[degF]", "cm"))),
            Field("attributes", "Attributes", hint="name=value; name=value (e.g. site=pericarditis)"),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"present": "yes"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        f: Finding = find_item(record, self.section, item_id)
        return {"kind": f.kind, "present": "yes" if f.present else "no", "start": _iso(f.start), "end": _iso(f.end),
                "value": f.value.text if f.value else "", "unit": (f.value.unit or "") if f.value else "",
                "attributes": "; ".join(f"{k}={v}" for k, v in f.attributes), "note": f.note or ""}

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = _Reader(values)
        kind = r.choice("kind", FINDING_KINDS, required=True)
        present = r.choice("present", ("yes", "no"), required=True)
        start = r.date("start", required=True)
        end = r.date("end")
        value = None
        if kind is not None and r.text("value") is not None:
            spec = finding_kind(kind)
            if spec.value_analyte is None:
                r.errors["value"] = f"{spec.name} carries no value"
            else:
                value = r.measurement(spec.value_analyte, "value", "unit")
        attributes = _attributes(r, "attributes")
        r.done()
        assert kind is not None and start is not None
        old = find_item(record, self.section, item_id) if item_id else None
        item = Finding(self.new_id(record, item_id), kind, start, present == "yes", end, value, attributes,
                       old.encounter if old is not None else None, r.text("note"))
        return with_item(record, self.section, item)


def _attributes(r: _Reader, name: str) -> tuple[tuple[str, str | int | float | bool], ...]:
    text = r.text(name)
    if text is None:
        return ()
    found: list[tuple[str, str | int | float | bool]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            r.errors[name] = f"{part.strip()!r}: write name=value"
            return ()
        found.append((key.strip(), _attribute_value(value.strip())))
    return tuple(found)


def _attribute_value(text: str) -> str | int | float | bool:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


class MedicationForm(SectionForm):
    """A medication course with its first dose; later dose changes have their own form."""

    slug, section, title, prefix = "medications", "medications", "Medication course", "m-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("drug", "Drug", "select", DRUG_CHOICES, required=True),
            Field("route", "Route", "select", _choices(Route), required=True),
            Field("start", "Start", "date", required=True),
            Field("amount", "First dose: amount", hint="leave empty if the dose is not known"),
            Field("unit", "First dose: unit", "datalist", tuple((u, u) for u in DOSE_UNITS)),
            Field("frequency", "First dose: frequency", "select", _choices(Frequency, blank=True)),
            Field("indication", "Indication", "select", (("", "— from the diagnoses"), *CONDITION_CHOICES)),
            Field("stop", "Stop", "date"),
            Field("stop_reason", "Reason for stopping", "select", _choices(StopReason, blank=True)),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"route": "subcutaneous", "unit": "mg/kg", "frequency": "daily"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        m: MedicationCourse = find_item(record, self.section, item_id)
        first = min(m.doses, key=lambda d: d.start) if m.doses else None
        return {"drug": m.drug, "route": m.route.value, "start": _iso(m.start), "stop": _iso(m.stop),
                "stop_reason": m.stop_reason.value if m.stop_reason else "", "indication": m.indication or "",
                "amount": _number_text(first.amount) if first else "", "unit": first.unit if first else "",
                "frequency": first.frequency.value if first else "", "note": m.note or ""}

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = _Reader(values)
        drug = r.choice("drug", DRUGS, required=True)
        route = r.choice("route", [x.value for x in Route], required=True)
        start = r.date("start", required=True)
        stop = r.date("stop")
        stop_reason = r.choice("stop_reason", [x.value for x in StopReason])
        indication = r.choice("indication", CONDITIONS)
        amount = r.number("amount", minimum=0)
        unit = r.text("unit")
        frequency = r.choice("frequency", [x.value for x in Frequency])
        if amount is not None and unit is None:
            r.errors["unit"] = "required with an amount"
        if amount is not None and frequency is None:
            r.errors["frequency"] = "required with an amount"
        if stop is not None and start is not None and stop < start:
            r.errors["stop"] = "the course stops before it starts"
        r.done()
        assert drug is not None and route is not None and start is not None
        old: MedicationCourse | None = find_item(record, self.section, item_id) if item_id else None
        later = tuple(d for d in old.doses if d.start > start) if old is not None else ()
        first = (Dose(start, amount, unit or "", Frequency(frequency or "daily")),) if amount is not None else ()
        if old is not None and amount is None:
            first = tuple(d for d in old.doses if d.start <= start)[-1:]
        item = MedicationCourse(
            self.new_id(record, item_id), drug, Route(route), start, first + later, stop,
            StopReason(stop_reason) if stop_reason else None, old.switched_to if old is not None else None,
            indication, r.text("note"),
        )
        return with_item(record, self.section, item)


class DoseChangeForm:
    """A new dosing step of an existing course, from a date on."""

    def fields(self) -> list[Field]:
        return [
            Field("start", "From", "date", required=True),
            Field("amount", "Amount", required=True),
            Field("unit", "Unit", "datalist", tuple((u, u) for u in DOSE_UNITS), required=True),
            Field("frequency", "Frequency", "select", _choices(Frequency), required=True),
            Field("count", "Number of administrations", hint="for pulses (1 g daily ×3); otherwise empty"),
            Field("text", "As written", hint="the prescription as typed, e.g. '2 mg/kg/d s.c.'"),
        ]

    def apply(self, record: PatientRecord, course_id: str, values: Values) -> PatientRecord:
        r = _Reader(values)
        start = r.date("start", required=True)
        amount = r.number("amount", required=True, minimum=0)
        unit = r.text("unit", required=True)
        frequency = r.choice("frequency", [x.value for x in Frequency], required=True)
        count = r.integer("count", minimum=1)
        course: MedicationCourse = find_item(record, "medications", course_id)
        if start is not None and start < course.start:
            r.errors["start"] = f"before the course starts ({course.start.isoformat()})"
        r.done()
        assert start is not None and amount is not None and unit is not None and frequency is not None
        dose = Dose(start, amount, unit, Frequency(frequency), r.text("text"), count)
        doses = tuple(d for d in course.doses if d.start != start) + (dose,)
        changed = dataclasses.replace(course, doses=tuple(sorted(doses, key=lambda d: d.start)))
        return with_item(record, "medications", changed)


class EpisodeForm(SectionForm):
    slug, section, title, prefix = "episodes", "episodes", "Episode", "ep-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("kind", "Kind", "select", _choices(EpisodeKind), required=True),
            Field("start", "Start", "date", required=True),
            Field("end", "End", "date"),
            Field("features", "Features", "checkboxes", FINDING_CHOICES),
            Field("max_temperature_c", "Maximum temperature (°C)"),
            Field("note", "Note", "textarea"),
        ]

    def multi(self) -> tuple[str, ...]:
        return ("features",)

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        e: Episode = find_item(record, self.section, item_id)
        temperature = e.attribute("max_temperature_c")
        return {"kind": e.kind.value, "start": _iso(e.start), "end": _iso(e.end), "features": list(e.features),
                "max_temperature_c": "" if temperature is None else str(temperature), "note": e.note or ""}

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = _Reader(values)
        kind = r.choice("kind", [k.value for k in EpisodeKind], required=True)
        start = r.date("start", required=True)
        end = r.date("end")
        raw = values.get("features", [])
        features = [raw] if isinstance(raw, str) else list(raw)
        unknown = [f for f in features if f not in FINDING_KINDS]
        if unknown:
            r.errors["features"] = f"unknown features {unknown}"
        temperature = r.number("max_temperature_c")
        if temperature is not None:
            r.attempt(lambda: measure("temperature", temperature, "Cel", field="max_temperature_c"),
                      "max_temperature_c")
        if end is not None and start is not None and end < start:
            r.errors["end"] = "the episode ends before it starts"
        r.done()
        assert kind is not None and start is not None
        old: Episode | None = find_item(record, self.section, item_id) if item_id else None
        attributes = tuple(a for a in (old.attributes if old else ()) if a[0] != "max_temperature_c")
        if temperature is not None:
            attributes = (("max_temperature_c", temperature), *attributes)
        item = Episode(self.new_id(record, item_id), EpisodeKind(kind), start, end, tuple(features), attributes,
                       old.duration_hours if old else None, r.text("note"))
        return with_item(record, self.section, item)


class AdverseEventForm(SectionForm):
    slug, section, title, prefix = "adverse-events", "adverse_events", "Adverse event", "ae-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("term", "Event", required=True, hint="e.g. injection-site reaction, pneumonia"),
            Field("onset", "Onset", "date", required=True),
            Field("end", "End", "date"),
            Field("serious", "Serious because", "checkboxes", _choices(SeriousCriterion)),
            Field("relatedness", "Related to treatment", "select", _choices(Relatedness), required=True),
            Field("outcome", "Outcome", "select", _choices(AdverseEventOutcome), required=True),
            Field("drug", "Suspected drug", "select", (("", "—"), *DRUG_CHOICES)),
            Field("note", "Note", "textarea"),
        ]

    def multi(self) -> tuple[str, ...]:
        return ("serious",)

    def initial(self, record: PatientRecord) -> Values:
        return {"relatedness": "unknown", "outcome": "unknown"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        a: AdverseEvent = find_item(record, self.section, item_id)
        return {"term": a.term, "onset": _iso(a.onset), "end": _iso(a.end),
                "serious": sorted(c.value for c in a.serious_criteria), "relatedness": a.relatedness.value,
                "outcome": a.outcome.value, "drug": a.drug or "", "note": a.note or ""}

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = _Reader(values)
        term = r.text("term", required=True)
        onset = r.date("onset", required=True)
        end = r.date("end")
        raw = values.get("serious", [])
        serious = [raw] if isinstance(raw, str) else list(raw)
        allowed = {c.value for c in SeriousCriterion}
        if set(serious) - allowed:
            r.errors["serious"] = "unknown seriousness criterion"
        relatedness = r.choice("relatedness", [x.value for x in Relatedness], required=True)
        outcome = r.choice("outcome", [x.value for x in AdverseEventOutcome], required=True)
        drug = r.choice("drug", DRUGS)
        if end is not None and onset is not None and end < onset:
            r.errors["end"] = "the event ends before it starts"
        r.done()
        assert term is not None and onset is not None and relatedness is not None and outcome is not None
        item = AdverseEvent(self.new_id(record, item_id), term, onset, end,
                            frozenset(SeriousCriterion(c) for c in serious if c in allowed),
                            Relatedness(relatedness), AdverseEventOutcome(outcome), drug, r.text("note"))
        return with_item(record, self.section, item)


SECTION_FORMS: dict[str, SectionForm] = {
    form.slug: form
    for form in (EncounterForm(), DiagnosisForm(), FindingForm(), MedicationForm(), EpisodeForm(), AdverseEventForm())
}


def section_form(slug: str) -> SectionForm:
    from remit.errors import NotFoundError  # noqa: PLC0415 - keeps the import list of this module clinical

    found = SECTION_FORMS.get(slug)
    if found is None:
        raise NotFoundError(f"no form {slug!r}; forms: {', '.join(SECTION_FORMS)}")
    return found


# ----- the diary -------------------------------------------------------------------------------

DIARY_LABELS = {
    "fever": "Fever",
    "overall_symptoms": "Feeling unwell overall",
    "abdominal_pain": "Tummy (abdominal) pain",
    "nausea_vomiting": "Feeling sick or vomiting",
    "diarrhoea": "Diarrhoea",
    "headaches": "Headache",
    "chest_pain": "Chest pain",
    "painful_lymph_nodes": "Painful glands (lymph nodes)",
    "arthralgia_myalgia": "Aching joints or muscles",
    "joint_swelling": "Swollen joints",
    "eye_manifestations": "Red or sore eyes",
    "skin_rash": "Skin rash",
}


def diary_day(values: Values) -> DiaryDay:
    """A diary day from the family's form: every AIDAI item yes, no, or unanswered."""
    r = _Reader(values)
    day = r.date("date", required=True)
    items: list[tuple[str, bool]] = []
    for item in AIDAI_ITEMS:
        answer = r.choice(item, ("yes", "no"))
        if answer is not None:
            items.append((item, answer == "yes"))
    relief = r.choice("pain_relief", ("yes", "no"))
    r.done()
    assert day is not None
    return DiaryDay(day, tuple(items), None if relief is None else relief == "yes")


def qualitative_analytes() -> tuple[str, ...]:
    return tuple(a.id for a in ANALYTES.values() if a.kind is ValueKind.QUALITATIVE)
