"""Hypothesis strategies for the core record types, shared by every test suite.

Everything generated is a record remit itself could have built from input:
values go through :func:`~remit.core.measurements.measure` (so they are inside
each analyte's plausible range, in one of its offered units or a common
spelling of one), dates are in order (courses stop after they start, dosing
steps are in time order and inside the course), ids are unique, references
point at existing encounters, and a diagnosis carries its condition's default
codings. Missing data is generated too: most optional fields are sometimes
absent.

Numbers here are random test data inside plausibility limits, not clinical
values.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from remit.core.analytes import ANALYTES, Analyte, ValueKind, analyte
from remit.core.codes import ICD10, ICD10CM, LOINC, SNOMED, Coding
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.measurements import Measurement, ReferenceRange, measure, reference_range
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    AIDAI_ITEMS,
    AdverseEvent,
    AdverseEventOutcome,
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    DiaryDay,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Genotype,
    GenotypeClass,
    Observation,
    Patient,
    PatientRecord,
    Relatedness,
    SeriousCriterion,
    Sex,
    Zygosity,
)
from remit.core.units import UNIT_SYNONYMS, convert

FIRST_DAY = date(1995, 1, 1)
LAST_DAY = date(2035, 12, 31)

NUMERIC_ANALYTES = tuple(sorted(a.id for a in ANALYTES.values() if a.kind is ValueKind.NUMERIC))
QUALITATIVE_ANALYTES = tuple(sorted(a.id for a in ANALYTES.values() if a.kind is ValueKind.QUALITATIVE))
DRUG_IDS = ("anakinra", "canakinumab", "colchicine", "methotrexate", "methylprednisolone", "prednisolone")
DOSE_UNITS = ("mg", "g", "ug", "mg/kg", "mg/m2", "mg/kg/day", "mg/kg/d")
RATE_UNITS = ("mg/kg/h", "mg/h")
GENES = ("MEFV", "NLRP3", "TNFRSF1A", "MVK", "NLRP12")
CODE_SYSTEMS = (ICD10, ICD10CM, SNOMED, LOINC, "urn:example:local-codes")

dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
free_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=40
)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Missing data: the field is absent about a third of the time."""
    return st.one_of(st.none(), strategy, strategy)


@st.composite
def date_spans(draw: st.DrawFn, start: date = FIRST_DAY, end: date = LAST_DAY) -> tuple[date, date | None]:
    """A first day and an optional last day on or after it."""
    first = draw(st.dates(min_value=start, max_value=end))
    last = draw(optional(st.dates(min_value=first, max_value=min(end, first + timedelta(days=400)))))
    return first, last


def unit_spellings(spec: Analyte) -> list[str | None]:
    """Every way a user may write one of ``spec``'s offered units: UCUM, common
    spellings from ``UNIT_SYNONYMS`` and the analyte's own aliases. ``None`` for
    a dimensionless analyte."""
    if spec.canonical_unit == "1":
        return [None]
    ucums = spec.unit_choices or (spec.canonical_unit,)
    spellings: list[str | None] = []
    for ucum in ucums:
        spellings.append(ucum)
        spellings += [text for text, target in UNIT_SYNONYMS.items() if target == ucum and text != ucum]
        spellings += [text for text, target in spec.unit_aliases.items() if target == ucum]
    return spellings


def _ucum_of(spec: Analyte, spelling: str | None) -> str:
    if spelling is None:
        return spec.canonical_unit
    return spec.unit_aliases.get(spelling) or UNIT_SYNONYMS.get(spelling) or spelling


@st.composite
def plausible_numbers(draw: st.DrawFn, spec: Analyte, ucum: str) -> str:
    """A number as text, two decimals at most, inside ``spec``'s plausible range
    once converted from ``ucum`` (ends kept a hair inside against rounding)."""
    low = spec.plausible_low if spec.plausible_low is not None else 0.0
    high = spec.plausible_high if spec.plausible_high is not None else 1000.0
    ends = sorted(
        convert(x, spec.canonical_unit, ucum, molar_mass_g_per_mol=spec.molar_mass_g_per_mol) for x in (low, high)
    )
    cents = draw(st.integers(math.ceil(ends[0] * 100 * (1 + 1e-9) + 1e-9), math.floor(ends[1] * 100 * (1 - 1e-9))))
    return f"{Decimal(cents) / 100:f}"


@st.composite
def reference_ranges(draw: st.DrawFn, analyte_id: str) -> ReferenceRange:
    """A reference range with one or both limits, entered in any offered unit."""
    spec = analyte(analyte_id)
    spelling = draw(st.sampled_from(unit_spellings(spec)))
    ucum = _ucum_of(spec, spelling)
    limits = sorted(float(draw(plausible_numbers(spec, ucum))) for _ in range(2))
    low, high = draw(st.sampled_from([(limits[0], limits[1]), (limits[0], None), (None, limits[1])]))
    source = draw(st.sampled_from(["laboratory", "assumed"]))
    return reference_range(spec.id, low, high, spelling, source=source)


@st.composite
def measurements(
    draw: st.DrawFn, analyte_id: str | None = None, shapes: tuple[str, ...] = ("exact", "censored", "qualitative")
) -> Measurement:
    """A value as a user would enter it: exact (``13.4``), censored (``>2000``)
    or qualitative (``low`` with an optional reference range; ``positive`` for
    a qualitative test), in any accepted spelling of an offered unit."""
    spec = analyte(analyte_id if analyte_id is not None else draw(st.sampled_from(sorted(ANALYTES))))
    if spec.kind is ValueKind.QUALITATIVE:
        word = draw(st.sampled_from(["positive", "negative", "detected", "not detected", "neg"]))
        return measure(spec.id, word, None)
    shape = draw(st.sampled_from(shapes))
    reference = draw(optional(reference_ranges(spec.id)))
    if shape == "qualitative":
        word = draw(st.sampled_from(["low", "normal", "high", "elevated", "Normal"]))
        unit = None if spec.canonical_unit == "1" else draw(st.sampled_from([None, spec.canonical_unit]))
        return measure(spec.id, word, unit, reference=reference)
    spelling = draw(st.sampled_from(unit_spellings(spec)))
    text = draw(plausible_numbers(spec, _ucum_of(spec, spelling)))
    if shape == "censored":
        text = draw(st.sampled_from([">", ">=", "<", "<=", "≥", "≤"])) + text
    return measure(spec.id, text, spelling, reference=reference)


attribute_values = st.one_of(
    free_text,
    st.integers(-1000, 1000),
    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False),
    st.booleans(),
)


@st.composite
def codings(draw: st.DrawFn) -> Coding:
    """A coding with a normalised system; condition codes are real ones."""
    known = [c for cond in CONDITIONS.values() for c in cond.codings]
    coding = draw(st.sampled_from(known))
    display = draw(optional(free_text))
    return Coding(coding.system, coding.code, display)


@st.composite
def patients(draw: st.DrawFn, patient_id: str = "p1") -> Patient:
    birth_day = draw(st.dates(min_value=date(1980, 1, 1), max_value=date(2030, 12, 31)))
    birth = draw(
        optional(
            st.sampled_from(
                [
                    BirthDate(birth_day.year, birth_day.month),
                    BirthDate(birth_day.year, birth_day.month, birth_day.day),
                ]
            )
        )
    )
    genotypes = draw(
        st.lists(
            st.builds(
                Genotype,
                st.sampled_from(GENES),
                free_text,
                st.sampled_from(Zygosity),
                st.sampled_from(GenotypeClass),
            ),
            max_size=2,
        )
    )
    return Patient(
        patient_id,
        draw(st.sampled_from(["site-a", "site-b", "centre-3"])),
        draw(st.sampled_from(Sex)),
        birth,
        tuple(genotypes),
        draw(optional(free_text)),
        draw(optional(free_text)),
    )


@st.composite
def diagnoses(draw: st.DrawFn, diagnosis_id: str = "dx1") -> Diagnosis:
    """A diagnosis as remit stores it: extra codings first, then the
    condition's default codings that were not already given."""
    known = CONDITIONS[draw(st.sampled_from(sorted(CONDITIONS)))]
    extra = draw(st.lists(codings(), max_size=2, unique_by=lambda c: (c.system, c.code)))
    present = {(c.system, c.code) for c in extra}
    all_codings = tuple(extra) + tuple(c for c in known.codings if (c.system, c.code) not in present)
    return Diagnosis(
        diagnosis_id,
        known.id,
        draw(optional(dates)),
        draw(st.sampled_from(DiagnosisStatus)),
        all_codings,
        draw(optional(dates)),
        draw(optional(free_text)),
    )


@st.composite
def encounters(draw: st.DrawFn, encounter_id: str = "e1") -> Encounter:
    day, end = draw(date_spans())
    exact = ("exact",)
    return Encounter(
        encounter_id,
        day,
        draw(st.sampled_from(EncounterKind)),
        draw(optional(st.integers(0, 120))),
        draw(optional(measurements("weight", exact))),
        draw(optional(measurements("height", exact))),
        end,
        draw(optional(free_text)),
    )


@st.composite
def observations(draw: st.DrawFn, observation_id: str = "o1", encounter_ids: tuple[str, ...] = ()) -> Observation:
    measurement = draw(measurements())
    spec = analyte(measurement.analyte)
    code = (
        draw(optional(st.sampled_from([Coding(LOINC, c) for c in spec.alternate_codes])))
        if spec.alternate_codes
        else None
    )
    return Observation(
        observation_id,
        measurement,
        draw(dates),
        draw(optional(st.times())),
        draw(optional(st.sampled_from(encounter_ids))) if encounter_ids else None,
        draw(optional(free_text)),
        code,
    )


@st.composite
def findings(draw: st.DrawFn, finding_id: str = "f1", encounter_ids: tuple[str, ...] = ()) -> Finding:
    kind = FINDING_KINDS[draw(st.sampled_from(sorted(FINDING_KINDS)))]
    start, end = draw(date_spans())
    names = draw(st.lists(st.sampled_from(kind.attributes), unique=True)) if kind.attributes else []
    value = draw(optional(measurements(kind.value_analyte))) if kind.value_analyte is not None else None
    return Finding(
        finding_id,
        kind.id,
        start,
        draw(st.booleans()),
        end,
        value,
        tuple((name, draw(attribute_values)) for name in names),
        draw(optional(st.sampled_from(encounter_ids))) if encounter_ids else None,
        draw(optional(free_text)),
    )


@st.composite
def doses(draw: st.DrawFn, start: date) -> Dose:
    """A dosing step; a continuous infusion gets a rate unit, as it must."""
    frequency = draw(st.sampled_from(Frequency))
    units = RATE_UNITS if frequency is Frequency.CONTINUOUS else DOSE_UNITS
    return Dose(
        start,
        draw(st.integers(1, 100_000)) / 100,
        draw(st.sampled_from(units)),
        frequency,
        draw(optional(free_text)),
        draw(optional(st.integers(1, 10))),
    )


@st.composite
def medication_courses(draw: st.DrawFn, course_id: str = "m1") -> MedicationCourse:
    """A course with dosing steps in time order, all inside the course."""
    start, stop = draw(date_spans())
    last = stop or start + timedelta(days=400)
    step_days = sorted(draw(st.lists(st.dates(min_value=start, max_value=last), max_size=3)))
    return MedicationCourse(
        course_id,
        draw(st.sampled_from(DRUG_IDS)),
        draw(st.sampled_from(Route)),
        start,
        tuple(draw(doses(day)) for day in step_days),
        stop,
        draw(optional(st.sampled_from(StopReason))) if stop is not None else None,
        draw(optional(st.sampled_from(DRUG_IDS))),
        draw(optional(st.sampled_from(sorted(CONDITIONS)))),
        draw(optional(free_text)),
    )


@st.composite
def episodes(draw: st.DrawFn, episode_id: str = "ep1") -> Episode:
    start, end = draw(date_spans())
    features = draw(st.lists(st.sampled_from(sorted(FINDING_KINDS)), unique=True, max_size=3))
    names = draw(
        st.lists(st.sampled_from(["max_temperature_c", "temperature_site", "trigger", "treated"]), unique=True)
    )
    return Episode(
        episode_id,
        draw(st.sampled_from(EpisodeKind)),
        start,
        end,
        tuple(features),
        tuple((name, draw(attribute_values)) for name in names),
        draw(optional(st.integers(1, 20_000).map(lambda tenths: tenths / 10))),
        draw(optional(free_text)),
    )


@st.composite
def adverse_events(draw: st.DrawFn, event_id: str = "ae1") -> AdverseEvent:
    onset, end = draw(date_spans())
    return AdverseEvent(
        event_id,
        draw(free_text),
        onset,
        end,
        frozenset(draw(st.sets(st.sampled_from(SeriousCriterion)))),
        draw(st.sampled_from(Relatedness)),
        draw(st.sampled_from(AdverseEventOutcome)),
        draw(optional(st.sampled_from(DRUG_IDS))),
        draw(optional(free_text)),
    )


@st.composite
def diary_days(draw: st.DrawFn, day: date | None = None) -> DiaryDay:
    """A diary day answering any subset of the AIDAI items, in any order."""
    order = draw(st.permutations(AIDAI_ITEMS))
    answered = order[: draw(st.integers(0, len(AIDAI_ITEMS)))]
    return DiaryDay(
        day if day is not None else draw(dates),
        tuple((item, draw(st.booleans())) for item in answered),
        draw(optional(st.booleans())),
    )


@st.composite
def patient_records(draw: st.DrawFn, max_items: int = 4) -> PatientRecord:
    """A whole record with every section, unique ids and consistent references."""

    def count() -> int:
        return draw(st.integers(0, max_items))

    encounter_list = [draw(encounters(f"e{i}")) for i in range(count())]
    encounter_ids = tuple(e.id for e in encounter_list)
    diary_dates = draw(st.lists(dates, unique=True, max_size=max_items))
    follow_up = draw(optional(st.lists(dates, min_size=2, max_size=2).map(sorted).map(tuple)))
    return PatientRecord(
        patient=draw(patients()),
        diagnoses=tuple(draw(diagnoses(f"dx{i}")) for i in range(count())),
        encounters=tuple(encounter_list),
        observations=tuple(draw(observations(f"o{i}", encounter_ids)) for i in range(count())),
        findings=tuple(draw(findings(f"f{i}", encounter_ids)) for i in range(count())),
        medications=tuple(draw(medication_courses(f"m{i}")) for i in range(count())),
        episodes=tuple(draw(episodes(f"ep{i}")) for i in range(count())),
        adverse_events=tuple(draw(adverse_events(f"ae{i}")) for i in range(count())),
        diary=tuple(draw(diary_days(day)) for day in diary_dates),
        follow_up=follow_up,
    )
