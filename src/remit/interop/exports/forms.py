"""The forms (REDCap instruments) of the statistician exports and their variables.

A measured value is always exported the same way, under a prefix: ``_value``
(the exact value in the canonical unit), ``_comparator`` and ``_bound`` (a
censored value such as ``>2000``: the sign and the bound, canonical unit),
``_category`` (low, normal, high, positive, negative), ``_unit`` (the
canonical UCUM unit), ``_entered`` and ``_unit_entered`` (as typed). So a
numeric column is always numeric, and nothing of what was entered is lost.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from remit.core.analytes import ANALYTES
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.measurements import Qualitative
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
from remit.drugs import DRUGS
from remit.interop.exports.variables import (
    Kind,
    Variable,
    category,
    checkbox,
    day,
    integer,
    notes,
    number,
    text,
    yesno,
)

COMPARATOR_VALUES = (">", ">=", "<", "<=")


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    label: str
    variables: tuple[Variable, ...]
    repeating: bool  # repeating instrument in every event it is used in (visit: only in "unscheduled")

    def kept(self, deidentified: bool) -> tuple[Variable, ...]:
        return tuple(v for v in self.variables if not deidentified or v.kept_when_deidentified)


def measured(prefix: str, label: str) -> tuple[Variable, ...]:
    return (
        number(f"{prefix}_value", f"{label}: exact value", "canonical unit"),
        category(f"{prefix}_comparator", f"{label}: comparator of a censored value", COMPARATOR_VALUES),
        number(f"{prefix}_bound", f"{label}: bound of a censored value", "canonical unit"),
        category(f"{prefix}_category", f"{label}: category", [q.value for q in Qualitative]),
        text(f"{prefix}_unit", f"{label}: canonical unit (UCUM)"),
        text(f"{prefix}_entered", f"{label}: value as entered"),
        text(f"{prefix}_unit_entered", f"{label}: unit as entered"),
    )


def _enum(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


def build_forms(drugs: Iterable[str] = ()) -> tuple[Form, ...]:
    """The forms; drug choices are the catalogue's plus any other drug id in ``drugs``."""
    drug_options = [(d.id, d.name) for d in DRUGS.values()] + sorted(set(drugs) - set(DRUGS))
    conditions = [(c.id, c.name) for c in CONDITIONS.values()]
    findings = [(k.id, k.name) for k in FINDING_KINDS.values()]
    return (
        Form(
            "demographics",
            "Demographics",
            (
                text("record_id", "Record ID (patient id, or pseudonym when de-identified)"),
                text("site", "Site"),
                category("sex", "Sex", _enum(Sex)),
                text("birth", "Birth date (YYYY-MM or YYYY-MM-DD)", identifier=True),
                number("age_at_index", "Age at index (completed years, rounded down to 0.1)", "years"),
                day("index_date", "Index date (first anakinra course, else baseline visit, else first fact)"),
                text("ethnicity", "Ethnicity (free text)", identifier=True, free_text=True),
                day("follow_up_start", "Follow-up start"),
                day("follow_up_end", "Follow-up end"),
                notes("patient_note", "Patient note"),
            ),
            repeating=False,
        ),
        Form(
            "genotype",
            "Genotype",
            (
                text("gene", "Gene"),
                text("variant", "Variant (HGVS as entered)"),
                category("zygosity", "Zygosity", _enum(Zygosity)),
                category("genotype_class", "Genotype class (Eurofever/PRINTO 2019, as entered)", _enum(GenotypeClass)),
            ),
            repeating=True,
        ),
        Form(
            "diagnosis",
            "Diagnosis",
            (
                category("dx_condition", "Condition", conditions),
                day("dx_onset", "Onset"),
                category("dx_status", "Status", _enum(DiagnosisStatus)),
                day("dx_recorded", "Recorded"),
                text("dx_icd10cm", "ICD-10-CM code(s)"),
                text("dx_snomed", "SNOMED CT code(s)"),
                notes("dx_note", "Diagnosis note"),
            ),
            repeating=True,
        ),
        Form(
            "visit",
            "Visit",
            (
                day("visit_date", "Visit date"),
                category("visit_kind", "Kind of visit", _enum(EncounterKind)),
                integer("visit_month", "Scheduled month"),
                day("visit_end", "End (discharge) date"),
                *measured("weight", "Weight"),
                *measured("height", "Height"),
                notes("visit_note", "Visit note"),
            ),
            repeating=False,
        ),
        Form(
            "laboratory",
            "Laboratory and scores",
            (
                category("lab_analyte", "Analyte", [(a.id, a.name) for a in ANALYTES.values()]),
                day("lab_date", "Date"),
                text("lab_time", "Time of day (HH:MM:SS)"),
                *measured("lab", "Result"),
                number("lab_ref_low", "Reference range: low", "canonical unit"),
                number("lab_ref_high", "Reference range: high", "canonical unit"),
                text("lab_ref_source", "Reference range: source"),
                text("lab_code", "Code the result was received under, if not the analyte's own"),
                notes("lab_source", "Where the value was read"),
            ),
            repeating=True,
        ),
        Form(
            "finding",
            "Clinical finding",
            (
                category("finding_kind", "Finding", findings),
                day("finding_start", "Start"),
                day("finding_end", "End"),
                yesno("finding_present", "Present"),
                *measured("finding", "Measured value"),
                text("finding_attributes", "Attributes (name=value; ...)"),
                notes("finding_note", "Finding note"),
            ),
            repeating=True,
        ),
        Form(
            "medication",
            "Treatment course",
            (
                category("med_drug", "Drug", drug_options),
                category("med_route", "Route", _enum(Route)),
                day("med_start", "Start"),
                day("med_stop", "Stop"),
                category("med_stop_reason", "Reason for stopping", _enum(StopReason)),
                category("med_switched_to", "Switched to", drug_options),
                category("med_indication", "Indication", conditions),
                notes("med_note", "Course note"),
            ),
            repeating=True,
        ),
        Form(
            "dose",
            "Dosing step",
            (
                integer("dose_course", "Course (instance of the medication form)"),
                category("dose_drug", "Drug", drug_options),
                day("dose_start", "Start of this step"),
                number("dose_amount", "Amount", "in dose_unit"),
                text("dose_unit", "Unit as entered (mg, mg/kg, mg/kg/day ...)"),
                category("dose_frequency", "Frequency", _enum(Frequency)),
                integer("dose_count", "Number of administrations"),
                notes("dose_text", "Dose as written"),
            ),
            repeating=True,
        ),
        Form(
            "episode",
            "Episode (fever attack, flare, MAS)",
            (
                category("episode_kind", "Kind", _enum(EpisodeKind)),
                day("episode_start", "Start"),
                day("episode_end", "End"),
                number("episode_hours", "Duration", "hours"),
                checkbox("episode_features", "Features", findings),
                text("episode_attributes", "Attributes (name=value; ...)"),
                notes("episode_note", "Episode note"),
            ),
            repeating=True,
        ),
        Form(
            "adverse_event",
            "Adverse event",
            (
                text("ae_term", "Term (as written)"),
                day("ae_onset", "Onset"),
                day("ae_end", "End"),
                yesno("ae_serious", "Serious (any ICH E2A criterion)"),
                checkbox("ae_criteria", "Seriousness criteria", _enum(SeriousCriterion)),
                category("ae_relatedness", "Relatedness", _enum(Relatedness)),
                category("ae_outcome", "Outcome", _enum(AdverseEventOutcome)),
                category("ae_drug", "Suspected drug", drug_options),
                notes("ae_note", "Adverse-event note"),
            ),
            repeating=True,
        ),
        Form(
            "diary",
            "AIDAI diary day",
            (
                day("diary_date", "Date"),
                *(yesno(f"diary_{item}", f"AIDAI: {item.replace('_', ' ')}") for item in AIDAI_ITEMS),
                yesno("diary_pain_relief", "Pain relief taken (recorded, not scored)"),
            ),
            repeating=True,
        ),
    )


def all_variables(forms: Iterable[Form], deidentified: bool) -> list[tuple[Form, Variable]]:
    return [(form, v) for form in forms for v in form.kept(deidentified)]


def is_numeric(variable: Variable) -> bool:
    return variable.kind in (Kind.INTEGER, Kind.NUMBER)
