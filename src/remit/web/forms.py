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

from remit.core.analytes import ANALYTES
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.measurements import Measurement, measure
from remit.core.record import (
    AIDAI_ITEMS,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Patient,
    PatientRecord,
    Sex,
)
from remit.drugs import DRUGS
from remit.errors import RemitError
from remit.services.web_records import ChangeMade

Values = dict[str, str | list[str]]
LAB_ROWS = 6
DOSE_UNITS = ("mg", "mg/kg", "mg/m2", "g", "g/m2", "ug/kg", "mg/kg/h", "mg/kg/d")


class InvalidFormError(RemitError, ValueError):
    """One or more fields could not be read; ``errors`` maps field name to message."""

    code = "invalid_form"

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = dict(errors)

    def to_dict(self) -> dict[str, Any]:  # the shape gains a key
        found: dict[str, Any] = dict(super().to_dict())
        found["fields"] = self.errors
        return found


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


NUL = "\x00"
NUL_MESSAGE = "may not contain a NUL character (U+0000)"


def refuse_nul(values: Mapping[str, object]) -> None:
    """PostgreSQL cannot store U+0000 in text (SQLite can): refuse it at input, beside its field,
    so that what one backend takes the other takes too and nothing fails at storage."""
    errors = {
        name: NUL_MESSAGE
        for name, value in values.items()
        if NUL in name
        or (isinstance(value, str) and NUL in value)
        or (isinstance(value, list) and NUL in "".join(value))
    }
    if errors:
        raise InvalidFormError(errors)


def form_values(items: Iterable[tuple[str, Any]], multi: Iterable[str] = ()) -> Values:
    """The submitted fields as strings (lists for the names in ``multi``); a field holding a NUL
    character is refused (:func:`refuse_nul`)."""
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
    refuse_nul(values)
    return values


def enum_choices(enum_type: type[enum.Enum], blank: bool = False) -> tuple[tuple[str, str], ...]:
    found = tuple((str(m.value), str(m.value).replace("_", " ")) for m in enum_type)
    return ((("", "—"), *found)) if blank else found


CONDITION_CHOICES = tuple((c.id, c.name) for c in CONDITIONS.values())
DRUG_CHOICES = tuple((d, DRUGS[d].name) for d in DRUGS)
FINDING_CHOICES = tuple((k.id, k.name) for k in FINDING_KINDS.values())
ANALYTE_CHOICES = (("", "—"), *tuple((a.id, a.name) for a in ANALYTES.values()))


def unit_choices() -> dict[str, tuple[str, ...]]:
    """Units offered per analyte (canonical first); an empty tuple means dimensionless."""
    return {a.id: a.unit_choices or ((a.canonical_unit,) if a.canonical_unit != "1" else ()) for a in ANALYTES.values()}


ALL_LAB_UNITS = tuple(dict.fromkeys(u for units in unit_choices().values() for u in units))


# ----- reading fields --------------------------------------------------------------------------


class Reader:
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
        found: Measurement | None = self.attempt(lambda: measure(analyte, value, unit, field=value_name), value_name)
        return found

    def attempt(self, make: Callable[[], Any], name: str) -> Any:
        """Run ``make``; a RemitError is recorded beside its own field (or ``name``)."""
        try:
            return make()
        except RemitError as exc:
            self.errors[exc.field or name] = exc.message
            return None

    def done(self) -> None:
        if self.errors:
            raise InvalidFormError(self.errors)


def iso_day(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def number_text(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


# ----- the patient form ------------------------------------------------------------------------


def patient_fields(sites: Iterable[str], *, new: bool) -> list[Field]:
    fields = []
    if new:
        fields.append(
            Field(
                "id",
                "Patient id",
                required=True,
                hint="the registry pseudonym, e.g. site-0042; never a name or hospital number",
            )
        )
    fields += [
        Field("site", "Site", "select", tuple((s, s) for s in sorted(sites)), required=True),
        Field("sex", "Sex", "select", enum_choices(Sex), required=True),
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
    return {
        "site": p.site,
        "sex": p.sex.value,
        "birth": p.birth.iso() if p.birth else "",
        "ethnicity": p.ethnicity or "",
        "note": p.note or "",
    }


def _birth(reader: Reader) -> BirthDate | None:
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
    r = Reader(values)
    patient_id = r.text("id", required=True)
    if patient_id is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}", patient_id):
        r.errors["id"] = "letters, digits, '.', '_' and '-' only (up to 63)"
    site = r.choice("site", sites, required=True)
    sex = r.choice("sex", [s.value for s in Sex], required=True)
    birth = _birth(r)
    condition = r.choice("condition", CONDITIONS, required=True)
    onset = r.date("onset")
    r.done()
    assert patient_id is not None
    assert site is not None
    assert sex is not None
    assert condition is not None
    patient = Patient(patient_id, site, Sex(sex), birth, ethnicity=r.text("ethnicity"), note=r.text("note"))
    return PatientRecord(patient, diagnoses=(Diagnosis("dx1", condition, onset),))


def edited_patient(record: PatientRecord, values: Values, sites: Iterable[str]) -> PatientRecord:
    r = Reader(values)
    site = r.choice("site", sites, required=True)
    sex = r.choice("sex", [s.value for s in Sex], required=True)
    birth = _birth(r)
    r.done()
    assert site is not None
    assert sex is not None
    patient = dataclasses.replace(
        record.patient, site=site, sex=Sex(sex), birth=birth, ethnicity=r.text("ethnicity"), note=r.text("note")
    )
    return dataclasses.replace(record, patient=patient)


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
    r = Reader(values)
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
