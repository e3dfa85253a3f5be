"""The case-file format ``remit-case/1`` as pydantic models, and its JSON Schema.

These models describe the *file* as a clinician types it, not the domain: dates
stay text (``2002-03-08`` or ``day 8``) until :mod:`remit.casefiles.reading`
resolves them against ``day_zero``, and measured values stay text so ``>2000``
and ``low`` survive untouched. Everything that needs the domain tables (units,
plausibility, analyte, finding and condition ids) is checked when the models are
turned into core types, so there is one source of truth for those rules.

Unknown keys are refused everywhere (``extra="forbid"``): a misspelt field in a
hand-written file must be an error, not silently dropped data.

Print the JSON Schema with ``python -m remit.casefiles.schema``.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    model_validator,
)

from remit.casefiles import dates
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.medications import Frequency, Route, StopReason
from remit.core.record import (
    AIDAI_ITEMS,
    AdverseEventOutcome,
    DiagnosisStatus,
    EncounterKind,
    EpisodeKind,
    GenotypeClass,
    Relatedness,
    SeriousCriterion,
    Sex,
    Zygosity,
)

FORMAT = "remit-case/1"
DRUG_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def _folded(value: object) -> object:
    """Enum values are matched case-insensitively: ``Male`` is ``male``."""
    return value.strip().casefold() if isinstance(value, str) else value


def _measured_text(value: object) -> str:
    """A value as printed. Numbers YAML has already parsed are turned back into
    their shortest text (``13.4``); quote a value to keep it exactly (``"13.40"``)."""
    if isinstance(value, bool):
        raise ValueError(
            f"YAML read this value as {str(value).lower()} (yes/no/true/false are booleans); "
            "write positive/negative, or put the value in quotes"
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return repr(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a number, a censored number such as '>2000', or a word such as 'low'; got {value!r}")


def _code_text(value: object) -> str:
    """Codes are text; an unquoted SNOMED code arrives as a YAML integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a code as text, got {value!r}")


def _drug_id(value: object) -> str:
    """Drug ids are lower_snake_case catalogue ids; ``Anakinra`` is read as ``anakinra``."""
    if not isinstance(value, str):
        raise ValueError(f"expected a drug id such as anakinra, got {value!r}")
    text = value.strip().casefold()
    if (
        not text
        or not (text[0].isascii() and text[0].isalpha())
        or not all(c.isascii() and (c.isalnum() or c == "_") for c in text)
    ):
        raise ValueError(f"drug ids are lower_snake_case words such as anakinra or methylprednisolone, got {value!r}")
    return text


def _attribute_value(value: object) -> str | int | float | bool:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise ValueError(f"an attribute value is text, a number or true/false, got {value!r}")


def _empty_if_null(value: object) -> object:
    """An empty YAML section (``diagnoses:`` with nothing under it) reads as null."""
    return [] if value is None else value


def _no_attributes_if_null(value: object) -> object:
    return {} if value is None else value


Folded = Annotated[E, BeforeValidator(_folded)]
Listed = Annotated[list[T], BeforeValidator(_empty_if_null)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]
DateText = Annotated[
    str,
    BeforeValidator(dates.date_text),
    WithJsonSchema({"type": "string", "pattern": dates.DATE_PATTERN}),
]
IsoDate = Annotated[
    str,
    BeforeValidator(dates.iso_date_text),
    WithJsonSchema({"type": "string", "format": "date", "pattern": dates.ISO_DATE_PATTERN}),
]
BirthText = Annotated[
    str,
    BeforeValidator(dates.birth_text),
    WithJsonSchema({"type": "string", "pattern": dates.BIRTH_PATTERN}),
]
TimeText = Annotated[
    str,
    BeforeValidator(dates.time_text),
    WithJsonSchema({"type": "string", "pattern": dates.TIME_PATTERN}),
]
MeasuredText = Annotated[str, BeforeValidator(_measured_text), WithJsonSchema({"type": ["string", "number"]})]
CodeText = Annotated[str, BeforeValidator(_code_text), WithJsonSchema({"type": ["string", "integer"]})]
DrugId = Annotated[str, BeforeValidator(_drug_id), WithJsonSchema({"type": "string", "pattern": DRUG_PATTERN})]
AttributeValue = Annotated[
    str | int | float | bool,
    PlainValidator(_attribute_value),
    WithJsonSchema({"type": ["string", "number", "boolean"]}),
]
Attributes = Annotated[dict[str, AttributeValue], BeforeValidator(_no_attributes_if_null)]
ConditionId = Annotated[str, WithJsonSchema({"type": "string", "enum": sorted(CONDITIONS)})]
FindingKindId = Annotated[str, WithJsonSchema({"type": "string", "enum": sorted(FINDING_KINDS)})]


class Entry(BaseModel):
    """Base of every section: unknown keys are errors, never dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class GenotypeEntry(Entry):
    gene: str = Field(description="HGNC gene symbol, e.g. MEFV, NLRP3, TNFRSF1A, MVK.")
    variant: str = Field(description="The variant as reported, e.g. M694V or p.Met694Val.")
    zygosity: Folded[Zygosity] = Field(Zygosity.UNKNOWN, description="Zygosity as reported.")
    classification: Folded[GenotypeClass] = Field(
        GenotypeClass.UNKNOWN,
        description="Eurofever/PRINTO genotype class as judged by the clinician; never inferred by remit.",
    )


class PatientEntry(Entry):
    id: Id = Field(description="Pseudonymous patient id, unique in the registry. Never a name or hospital number.")
    site: Id = Field(description="The contributing site's id.")
    sex: Folded[Sex] = Field(Sex.UNKNOWN, description="Sex as recorded.")
    birth: BirthText | None = Field(
        None, description="Birth date as YYYY-MM (preferred, less identifying) or YYYY-MM-DD."
    )
    ethnicity: str | None = Field(None, description="Free text, as reported.")
    genotypes: Listed[GenotypeEntry] = Field(default_factory=list, description="Genetic test results, as reported.")
    note: str | None = Field(None, description="Free text, e.g. the source of a published case.")


class SpanEntry(Entry):
    start: DateText = Field(description="First day of the data-coverage period.")
    end: DateText = Field(description="Last day of the data-coverage period.")


class CodingEntry(Entry):
    system: str = Field(description="ICD-10, ICD-10-CM, SNOMED CT, LOINC, RxNorm, ATC, or a code-system URI.")
    code: CodeText = Field(description="The code in that system; quote codes that look like numbers.")
    display: str | None = Field(None, description="Human-readable text of the code.")


class DiagnosisEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    condition: ConditionId = Field(description="remit condition id (see docs/case-files.md).")
    onset: DateText | None = Field(None, description="Disease onset.")
    status: Folded[DiagnosisStatus] = Field(DiagnosisStatus.ACTIVE, description="Diagnostic certainty / state.")
    codings: Listed[CodingEntry] = Field(
        default_factory=list,
        description="Extra codings; the condition's verified default codings are added when missing.",
    )
    recorded: DateText | None = Field(None, description="When the diagnosis was made or recorded.")
    note: str | None = None


class ReferenceRangeEntry(Entry):
    low: Number | None = Field(None, description="Lower reference limit, in `unit`.")
    high: Number | None = Field(None, description="Upper reference limit, in `unit`.")
    unit: Unit | None = Field(None, description="Unit of the limits (required unless the analyte is dimensionless).")
    source: Literal["laboratory", "assumed"] = Field(
        "laboratory",
        description="`laboratory` if printed by the reporting lab; `assumed` if supplied by the person entering the "
        "case (say why in the observation's `source`).",
    )


class QuantityEntry(Entry):
    value: MeasuredText = Field(description="As printed: 40, '>2000', '<0.5', or low | normal | high.")
    unit: Unit | None = Field(None, description="As printed; UCUM or a common spelling.")
    reference_range: ReferenceRangeEntry | None = Field(
        None, description="Needed for a qualitative value (low/normal/high) to mean a number."
    )


class EncounterEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    date: DateText = Field(description="Date of the visit, or of admission.")
    kind: Folded[EncounterKind] = Field(EncounterKind.UNSCHEDULED, description="What kind of contact this was.")
    end: DateText | None = Field(None, description="Discharge date of an admission.")
    month: StrictInt | None = Field(None, ge=0, description="For scheduled visits: month N of the follow-up schedule.")
    weight: QuantityEntry | None = Field(None, description="Body weight measured at this encounter.")
    height: QuantityEntry | None = Field(None, description="Body height measured at this encounter.")
    note: str | None = None


class ObservationEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    analyte: str = Field(description="remit analyte id (crp, ferritin, platelets ...) or one of its LOINC codes.")
    value: MeasuredText = Field(
        description="Exactly as printed: a number, a censored number ('>2000', '<0.5', '>=10'), or a category "
        "(low | normal | high for numeric analytes, positive | negative for qualitative tests)."
    )
    unit: Unit | None = Field(None, description="As printed; UCUM or a common spelling (mg/dl, x10^3/uL, /mm3).")
    date: DateText = Field(description="Date the sample was taken.")
    time: TimeText | None = Field(None, description="Time of day, HH:MM (quote it in YAML).")
    encounter: Id | None = Field(None, description="Id of the encounter this belongs to.")
    reference_range: ReferenceRangeEntry | None = Field(None, description="The reporting laboratory's reference range.")
    source: str | None = Field(None, description="Where the value comes from, e.g. a quotation from the paper.")
    code: CodingEntry | None = Field(None, description="The code as received, when it is not the analyte's own.")


class FindingEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    kind: FindingKindId = Field(description="remit finding id (fever, arthritis, hepatomegaly ...).")
    start: DateText = Field(description="First day the finding was present (or checked and absent).")
    end: DateText | None = Field(None, description="Last day; omit for a single day.")
    present: bool = Field(True, description="false records that the finding was looked for and was absent.")
    value: QuantityEntry | None = Field(
        None, description="A measured value for kinds that carry one: temperature for fever, cm for organomegaly."
    )
    attributes: Attributes = Field(
        default_factory=dict, description="Details allowed for the kind, e.g. pattern: quotidian for fever."
    )
    encounter: Id | None = Field(None, description="Id of the encounter this was recorded at.")
    note: str | None = None


class DoseEntry(Entry):
    start: DateText = Field(description="First day of this dosing step; it lasts until the next step.")
    amount: Number = Field(gt=0, description="Amount per administration, in `unit`.")
    unit: Unit = Field(description="UCUM unit of the amount per administration: mg, g, mg/kg, mg/m2, mg/kg/h ...")
    frequency: Folded[Frequency] = Field(description="How often it is given.")
    text: str | None = Field(None, description="The dose as written in the source, e.g. '2 mg/kg/d s.c.'.")
    count: StrictInt | None = Field(None, ge=1, description="Number of administrations, for pulses ('x 3').")


class MedicationEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    drug: DrugId = Field(description="Drug catalogue id (anakinra, methylprednisolone ...), lower_snake_case.")
    route: Folded[Route] = Field(description="Route of administration.")
    indication: ConditionId | None = Field(None, description="remit condition id the drug was given for.")
    start: DateText = Field(description="First day of the course.")
    stop: DateText | None = Field(None, description="Last day of the course; omit or null while ongoing.")
    stop_reason: Folded[StopReason] | None = Field(None, description="Why the course stopped.")
    switched_to: DrugId | None = Field(None, description="Drug id the patient was switched to.")
    doses: Listed[DoseEntry] = Field(default_factory=list, description="Dosing steps in time order.")
    note: str | None = None


class EpisodeEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    kind: Folded[EpisodeKind] = Field(description="What kind of episode.")
    start: DateText = Field(description="First day of the episode.")
    end: DateText | None = Field(None, description="Last day of the episode.")
    duration_hours: Number | None = Field(None, gt=0, description="Duration when known more precisely than the dates.")
    features: Listed[FindingKindId] = Field(default_factory=list, description="remit finding ids seen in the episode.")
    attributes: Attributes = Field(
        default_factory=dict, description="Episode details such as max_temperature_c or temperature_site."
    )
    note: str | None = None


class AdverseEventEntry(Entry):
    id: Id = Field(description="Unique within the file.")
    term: str = Field(description="The event as described, e.g. 'injection site reaction'.")
    onset: DateText = Field(description="First day of the event.")
    end: DateText | None = Field(None, description="Last day of the event.")
    serious: Listed[Folded[SeriousCriterion]] = Field(
        default_factory=list, description="ICH E2A seriousness criteria met; empty for a non-serious event."
    )
    relatedness: Folded[Relatedness] = Field(Relatedness.UNKNOWN, description="Causality as judged by the reporter.")
    outcome: Folded[AdverseEventOutcome] = Field(AdverseEventOutcome.UNKNOWN, description="Outcome of the event.")
    drug: DrugId | None = Field(None, description="Id of the suspected drug.")
    note: str | None = None


_ITEM = "AIDAI diary item answered yes (true) or no (false); leave out if not answered."


class DiaryEntry(Entry):
    """One day of the AIDAI diary: each item yes (true) or no (false); items left out are unanswered."""

    # Field order is core.record.AIDAI_ITEMS (a test keeps them in step). The
    # order the items were written in is remembered so export reproduces it.

    date: DateText = Field(description="The diary day.")
    fever: bool | None = Field(None, description=_ITEM)
    overall_symptoms: bool | None = Field(None, description=_ITEM)
    abdominal_pain: bool | None = Field(None, description=_ITEM)
    nausea_vomiting: bool | None = Field(None, description=_ITEM)
    diarrhoea: bool | None = Field(None, description=_ITEM)
    headaches: bool | None = Field(None, description=_ITEM)
    chest_pain: bool | None = Field(None, description=_ITEM)
    painful_lymph_nodes: bool | None = Field(None, description=_ITEM)
    arthralgia_myalgia: bool | None = Field(None, description=_ITEM)
    joint_swelling: bool | None = Field(None, description=_ITEM)
    eye_manifestations: bool | None = Field(None, description=_ITEM)
    skin_rash: bool | None = Field(None, description=_ITEM)
    pain_relief: bool | None = Field(None, description="Pain relief taken that day (recorded, not scored).")
    _written: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_order(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        entry = handler(data)
        if isinstance(data, Mapping) and isinstance(entry, DiaryEntry):
            entry._written = tuple(key for key in data if isinstance(key, str))
        return entry

    def answers(self) -> tuple[tuple[str, bool], ...]:
        """The answered AIDAI items, in the order they were written."""
        order = [k for k in self._written if k in AIDAI_ITEMS] + [k for k in AIDAI_ITEMS if k not in self._written]
        answered = ((name, getattr(self, name)) for name in order)
        return tuple((name, value) for name, value in answered if value is not None)


class CaseFile(Entry):
    """One patient's whole course, as typed from a case report (format remit-case/1)."""

    model_config = ConfigDict(title="remit case file (remit-case/1)")

    format: Literal["remit-case/1"] = Field(description="Format name and version; always remit-case/1.")
    day_zero: IsoDate | None = Field(
        None, description="The calendar date of 'day 1'; needed only when dates are written as 'day N'."
    )
    patient: PatientEntry
    follow_up: SpanEntry | None = Field(
        None, description="Data-coverage period: when a finding would have been recorded had it occurred."
    )
    diagnoses: Listed[DiagnosisEntry] = Field(default_factory=list)
    encounters: Listed[EncounterEntry] = Field(default_factory=list)
    observations: Listed[ObservationEntry] = Field(
        default_factory=list, description="Labs, vitals and scored measures."
    )
    findings: Listed[FindingEntry] = Field(default_factory=list, description="Clinical findings, present or absent.")
    medications: Listed[MedicationEntry] = Field(default_factory=list, description="Medication courses.")
    episodes: Listed[EpisodeEntry] = Field(
        default_factory=list, description="Fever attacks, flares, MAS, pericarditis."
    )
    adverse_events: Listed[AdverseEventEntry] = Field(default_factory=list)
    diary: Listed[DiaryEntry] = Field(default_factory=list, description="AIDAI daily diary.")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the case-file format, for editors and other languages.

    The committed copy is ``docs/reference/case-file.schema.json``; a test fails
    when it drifts from the models.
    """
    schema = CaseFile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def main() -> None:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
