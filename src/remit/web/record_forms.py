"""The forms for the items of a record: an encounter with its labs, a diagnosis,
a finding, a medication course and its dose changes, an episode, an adverse
event. Each reads what was typed with :class:`~remit.web.forms.Reader` (every
value through :func:`remit.core.measurements.measure`) and returns the changed
record; a service stores it.
"""

from __future__ import annotations

import dataclasses
import re

from remit.core.analytes import ANALYTES
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS, finding_kind
from remit.core.measurements import Measurement, measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    AdverseEvent,
    AdverseEventOutcome,
    Diagnosis,
    DiagnosisStatus,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Observation,
    PatientRecord,
    Relatedness,
    SeriousCriterion,
)
from remit.drugs import DRUGS
from remit.errors import NotFoundError
from remit.services.web_records import find_item, free_id, item_ids, next_id, with_item
from remit.web.forms import (
    CONDITION_CHOICES,
    DOSE_UNITS,
    DRUG_CHOICES,
    FINDING_CHOICES,
    LAB_ROWS,
    Field,
    Reader,
    Values,
    enum_choices,
    iso_day,
    number_text,
)


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
            Field("status", "Status", "select", enum_choices(DiagnosisStatus), required=True),
            Field("recorded", "Recorded on", "date"),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"status": "active"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        d: Diagnosis = find_item(record, self.section, item_id)
        return {
            "condition": d.condition,
            "onset": iso_day(d.onset),
            "status": d.status.value,
            "recorded": iso_day(d.recorded),
            "note": d.note or "",
        }

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = Reader(values)
        condition = r.choice("condition", CONDITIONS, required=True)
        onset = r.date("onset")
        status = r.choice("status", [s.value for s in DiagnosisStatus], required=True)
        recorded = r.date("recorded")
        r.done()
        assert condition is not None
        assert status is not None
        old = find_item(record, self.section, item_id) if item_id else None
        item = Diagnosis(
            self.new_id(record, item_id),
            condition,
            onset,
            DiagnosisStatus(status),
            old.codings if old is not None and old.condition == condition else (),
            recorded,
            r.text("note"),
        )
        return with_item(record, self.section, item)


class EncounterForm(SectionForm):
    """A visit with its labs: the labs entered here are the observations linked to the visit."""

    slug, section, title, prefix = "encounters", "encounters", "Encounter with labs", "e-w"

    def __init__(self, lab_rows: int = LAB_ROWS) -> None:
        self.lab_rows = lab_rows

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("date", "Date", "date", required=True),
            Field("kind", "Kind", "select", enum_choices(EncounterKind), required=True),
            Field("month", "Scheduled month", hint="the follow-up month of a scheduled visit (optional)"),
            Field("end", "Discharge date (admissions)", "date"),
            Field("weight", "Weight (kg)"),
            Field("height", "Height (cm)"),
            Field(
                "fever",
                "Fever: maximum temperature (°C)",
                hint="records a fever finding on this date; leave empty if afebrile or not recorded",
            ),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"kind": "unscheduled"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        e: Encounter = find_item(record, self.section, item_id)
        values: Values = {
            "date": iso_day(e.date),
            "kind": e.kind.value,
            "month": "" if e.month is None else str(e.month),
            "end": iso_day(e.end),
            "weight": e.weight.text if e.weight else "",
            "height": e.height.text if e.height else "",
            "note": e.note or "",
        }
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
        r = Reader(values)
        day = r.date("date", required=True)
        kind = r.choice("kind", [k.value for k in EncounterKind], required=True)
        month = r.integer("month")
        end = r.date("end")
        weight_text, height_text = r.text("weight"), r.text("height")
        weight = (
            r.attempt(lambda: measure("weight", weight_text, "kg", field="weight"), "weight") if weight_text else None
        )
        height = (
            r.attempt(lambda: measure("height", height_text, "cm", field="height"), "height") if height_text else None
        )
        fever_text = r.text("fever")
        fever = (
            r.attempt(lambda: measure("temperature", fever_text, "Cel", field="fever"), "fever") if fever_text else None
        )
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
        assert day is not None
        assert kind is not None
        encounter_id = self.new_id(record, item_id)
        encounter = Encounter(encounter_id, day, EncounterKind(kind), month, weight, height, end, r.text("note"))
        # One new record with all three sections changed (a record sorts and indexes itself when
        # built, so building it once per saved visit, not twice, is a fifth of the write's work).
        used = set(item_ids(record)) | {encounter_id}
        observations = [o for o in record.observations if o.encounter != encounter_id]
        for _, m in labs:
            obs_id = free_id(f"{encounter_id}-o", used)
            used.add(obs_id)
            observations.append(Observation(obs_id, m, day, encounter=encounter_id))
        findings = [f for f in record.findings if not (f.encounter == encounter_id and f.kind == "fever")]
        if fever is not None:
            findings.append(
                Finding(free_id(f"{encounter_id}-f", used), "fever", day, True, None, fever, encounter=encounter_id)
            )
        return dataclasses.replace(
            record,
            encounters=(*(e for e in record.encounters if e.id != encounter_id), encounter),
            observations=tuple(observations),
            findings=tuple(findings),
        )


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
        return {
            "kind": f.kind,
            "present": "yes" if f.present else "no",
            "start": iso_day(f.start),
            "end": iso_day(f.end),
            "value": f.value.text if f.value else "",
            "unit": (f.value.unit or "") if f.value else "",
            "attributes": "; ".join(f"{k}={v}" for k, v in f.attributes),
            "note": f.note or "",
        }

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = Reader(values)
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
        assert kind is not None
        assert start is not None
        old = find_item(record, self.section, item_id) if item_id else None
        item = Finding(
            self.new_id(record, item_id),
            kind,
            start,
            present == "yes",
            end,
            value,
            attributes,
            old.encounter if old is not None else None,
            r.text("note"),
        )
        return with_item(record, self.section, item)


def _attributes(r: Reader, name: str) -> tuple[tuple[str, str | int | float | bool], ...]:
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
            Field("route", "Route", "select", enum_choices(Route), required=True),
            Field("start", "Start", "date", required=True),
            Field("amount", "First dose: amount", hint="leave empty if the dose is not known"),
            Field("unit", "First dose: unit", "datalist", tuple((u, u) for u in DOSE_UNITS)),
            Field("frequency", "First dose: frequency", "select", enum_choices(Frequency, blank=True)),
            Field("indication", "Indication", "select", (("", "— from the diagnoses"), *CONDITION_CHOICES)),
            Field("stop", "Stop", "date"),
            Field("stop_reason", "Reason for stopping", "select", enum_choices(StopReason, blank=True)),
            Field("note", "Note", "textarea"),
        ]

    def initial(self, record: PatientRecord) -> Values:
        return {"route": "subcutaneous", "unit": "mg/kg", "frequency": "daily"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        m: MedicationCourse = find_item(record, self.section, item_id)
        first = min(m.doses, key=lambda d: d.start) if m.doses else None
        return {
            "drug": m.drug,
            "route": m.route.value,
            "start": iso_day(m.start),
            "stop": iso_day(m.stop),
            "stop_reason": m.stop_reason.value if m.stop_reason else "",
            "indication": m.indication or "",
            "amount": number_text(first.amount) if first else "",
            "unit": first.unit if first else "",
            "frequency": first.frequency.value if first else "",
            "note": m.note or "",
        }

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = Reader(values)
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
        assert drug is not None
        assert route is not None
        assert start is not None
        old: MedicationCourse | None = find_item(record, self.section, item_id) if item_id else None
        later = tuple(d for d in old.doses if d.start > start) if old is not None else ()
        first: tuple[Dose, ...] = (
            (Dose(start, amount, unit or "", Frequency(frequency or "daily")),) if amount is not None else ()
        )
        if old is not None and amount is None:
            first = tuple(d for d in old.doses if d.start <= start)[-1:]
        item = MedicationCourse(
            self.new_id(record, item_id),
            drug,
            Route(route),
            start,
            first + later,
            stop,
            StopReason(stop_reason) if stop_reason else None,
            old.switched_to if old is not None else None,
            indication,
            r.text("note"),
        )
        return with_item(record, self.section, item)


class DoseChangeForm:
    """A new dosing step of an existing course, from a date on."""

    def fields(self) -> list[Field]:
        return [
            Field("start", "From", "date", required=True),
            Field("amount", "Amount", required=True),
            Field("unit", "Unit", "datalist", tuple((u, u) for u in DOSE_UNITS), required=True),
            Field("frequency", "Frequency", "select", enum_choices(Frequency), required=True),
            Field("count", "Number of administrations", hint="for pulses (1 g daily ×3); otherwise empty"),
            Field("text", "As written", hint="the prescription as typed, e.g. '2 mg/kg/d s.c.'"),
        ]

    def apply(self, record: PatientRecord, course_id: str, values: Values) -> PatientRecord:
        r = Reader(values)
        start = r.date("start", required=True)
        amount = r.number("amount", required=True, minimum=0)
        unit = r.text("unit", required=True)
        frequency = r.choice("frequency", [x.value for x in Frequency], required=True)
        count = r.integer("count", minimum=1)
        course: MedicationCourse = find_item(record, "medications", course_id)
        if start is not None and start < course.start:
            r.errors["start"] = f"before the course starts ({course.start.isoformat()})"
        r.done()
        assert start is not None
        assert amount is not None
        assert unit is not None
        assert frequency is not None
        dose = Dose(start, amount, unit, Frequency(frequency), r.text("text"), count)
        doses = (*tuple(d for d in course.doses if d.start != start), dose)
        changed = dataclasses.replace(course, doses=tuple(sorted(doses, key=lambda d: d.start)))
        return with_item(record, "medications", changed)


class EpisodeForm(SectionForm):
    slug, section, title, prefix = "episodes", "episodes", "Episode", "ep-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("kind", "Kind", "select", enum_choices(EpisodeKind), required=True),
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
        return {
            "kind": e.kind.value,
            "start": iso_day(e.start),
            "end": iso_day(e.end),
            "features": list(e.features),
            "max_temperature_c": "" if temperature is None else str(temperature),
            "note": e.note or "",
        }

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = Reader(values)
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
            r.attempt(
                lambda: measure("temperature", temperature, "Cel", field="max_temperature_c"), "max_temperature_c"
            )
        if end is not None and start is not None and end < start:
            r.errors["end"] = "the episode ends before it starts"
        r.done()
        assert kind is not None
        assert start is not None
        old: Episode | None = find_item(record, self.section, item_id) if item_id else None
        attributes = tuple(a for a in (old.attributes if old else ()) if a[0] != "max_temperature_c")
        if temperature is not None:
            attributes = (("max_temperature_c", temperature), *attributes)
        item = Episode(
            self.new_id(record, item_id),
            EpisodeKind(kind),
            start,
            end,
            tuple(features),
            attributes,
            old.duration_hours if old else None,
            r.text("note"),
        )
        return with_item(record, self.section, item)


class AdverseEventForm(SectionForm):
    slug, section, title, prefix = "adverse-events", "adverse_events", "Adverse event", "ae-w"

    def fields(self, record: PatientRecord) -> list[Field]:
        return [
            Field("term", "Event", required=True, hint="e.g. injection-site reaction, pneumonia"),
            Field("onset", "Onset", "date", required=True),
            Field("end", "End", "date"),
            Field("serious", "Serious because", "checkboxes", enum_choices(SeriousCriterion)),
            Field("relatedness", "Related to treatment", "select", enum_choices(Relatedness), required=True),
            Field("outcome", "Outcome", "select", enum_choices(AdverseEventOutcome), required=True),
            Field("drug", "Suspected drug", "select", (("", "—"), *DRUG_CHOICES)),
            Field("note", "Note", "textarea"),
        ]

    def multi(self) -> tuple[str, ...]:
        return ("serious",)

    def initial(self, record: PatientRecord) -> Values:
        return {"relatedness": "unknown", "outcome": "unknown"}

    def values_of(self, record: PatientRecord, item_id: str) -> Values:
        a: AdverseEvent = find_item(record, self.section, item_id)
        return {
            "term": a.term,
            "onset": iso_day(a.onset),
            "end": iso_day(a.end),
            "serious": sorted(c.value for c in a.serious_criteria),
            "relatedness": a.relatedness.value,
            "outcome": a.outcome.value,
            "drug": a.drug or "",
            "note": a.note or "",
        }

    def apply(self, record: PatientRecord, values: Values, item_id: str | None) -> PatientRecord:
        r = Reader(values)
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
        assert term is not None
        assert onset is not None
        assert relatedness is not None
        assert outcome is not None
        item = AdverseEvent(
            self.new_id(record, item_id),
            term,
            onset,
            end,
            frozenset(SeriousCriterion(c) for c in serious if c in allowed),
            Relatedness(relatedness),
            AdverseEventOutcome(outcome),
            drug,
            r.text("note"),
        )
        return with_item(record, self.section, item)


SECTION_FORMS: dict[str, SectionForm] = {
    form.slug: form
    for form in (EncounterForm(), DiagnosisForm(), FindingForm(), MedicationForm(), EpisodeForm(), AdverseEventForm())
}


def section_form(slug: str) -> SectionForm:
    found = SECTION_FORMS.get(slug)
    if found is None:
        raise NotFoundError(f"no form {slug!r}; forms: {', '.join(SECTION_FORMS)}")
    return found
