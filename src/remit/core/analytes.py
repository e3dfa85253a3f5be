"""The analytes (labs, vitals and scored clinical measures) remit stores.

Each analyte has one canonical UCUM unit: every value is stored as entered *and*
normalised to that unit, and every criterion threshold is written in it
(``../shared/reference/criteria.md`` §0). Codes come from
``../shared/reference/standards-and-libraries.md`` §B1; analytes with no verified
LOINC use remit's local code system :data:`LOCAL_SYSTEM`.

Plausibility limits are *not* clinical thresholds. They bound what a laboratory
or a clinician can physically report, so that unit slips (a platelet count
"4 x10^3/mL", a temperature "104 Cel") are refused at input instead of flowing
into a criterion. They are deliberately wide; ``docs/units.md`` gives the
reasoning for each. Nothing is clipped to them: a value outside is an error.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from remit.errors import UnknownCodeError

LOINC = "http://loinc.org"
LOCAL_SYSTEM = "urn:remit:measure"


class ValueKind(enum.Enum):
    NUMERIC = "numeric"  # numbers (exact or censored) and, with a reference range, low/normal/high
    QUALITATIVE = "qualitative"  # positive / negative / detected ... only


@dataclass(frozen=True, slots=True)
class Analyte:
    id: str
    name: str
    canonical_unit: str
    system: str
    code: str
    plausible_low: float | None = None
    plausible_high: float | None = None
    kind: ValueKind = ValueKind.NUMERIC
    alternate_codes: tuple[str, ...] = ()
    molar_mass_g_per_mol: float | None = None
    # analyte-specific spellings that are not general UCUM synonyms (IU/L is
    # only equal to U/L for enzyme activities; see standards §B1).
    unit_aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    unit_choices: tuple[str, ...] = ()  # offered in forms, canonical first
    note: str = ""


_ENZYME_ALIASES = MappingProxyType({"IU/L": "U/L", "iu/l": "U/L", "[IU]/L": "U/L", "IE/l": "U/L"})

_ANALYTES: tuple[Analyte, ...] = (
    Analyte(
        "crp",
        "C-reactive protein",
        "mg/L",
        LOINC,
        "1988-5",
        0,
        1000,
        unit_choices=("mg/L", "mg/dL"),
        note="1 mg/dL = 10 mg/L: the commonest unit slip",
    ),
    Analyte(
        "esr",
        "Erythrocyte sedimentation rate",
        "mm/h",
        LOINC,
        "30341-2",
        0,
        200,
        alternate_codes=("4537-7",),
        unit_choices=("mm/h",),
    ),
    Analyte(
        "ferritin",
        "Ferritin",
        "ng/mL",
        LOINC,
        "2276-4",
        0,
        1_000_000,
        unit_choices=("ng/mL", "ug/L"),
        note="1 ng/mL = 1 ug/L",
    ),
    Analyte(
        "platelets",
        "Platelet count",
        "10*9/L",
        LOINC,
        "777-3",
        1,
        5000,
        alternate_codes=("26515-7",),
        unit_choices=("10*9/L", "10*3/uL", "/mm3"),
    ),
    Analyte(
        "wbc",
        "Leukocyte count",
        "10*9/L",
        LOINC,
        "6690-2",
        0.05,
        1000,
        alternate_codes=("26464-8", "804-5"),
        unit_choices=("10*9/L", "10*3/uL", "/mm3"),
    ),
    Analyte(
        "neutrophils",
        "Neutrophil count (absolute)",
        "10*9/L",
        LOINC,
        "751-8",
        0,
        500,
        alternate_codes=("26499-4",),
        unit_choices=("10*9/L", "10*3/uL", "/mm3"),
        note="0 is possible (agranulocytosis)",
    ),
    Analyte("haemoglobin", "Haemoglobin", "g/L", LOINC, "718-7", 10, 260, unit_choices=("g/L", "g/dL")),
    Analyte(
        "ast",
        "Aspartate aminotransferase",
        "U/L",
        LOINC,
        "1920-8",
        0,
        100_000,
        unit_aliases=_ENZYME_ALIASES,
        unit_choices=("U/L",),
    ),
    Analyte(
        "alt",
        "Alanine aminotransferase",
        "U/L",
        LOINC,
        "1742-6",
        0,
        100_000,
        unit_aliases=_ENZYME_ALIASES,
        unit_choices=("U/L",),
    ),
    Analyte(
        "ggt",
        "Gamma-glutamyl transferase",
        "U/L",
        LOINC,
        "2324-2",
        0,
        100_000,
        unit_aliases=_ENZYME_ALIASES,
        unit_choices=("U/L",),
    ),
    Analyte(
        "ldh",
        "Lactate dehydrogenase",
        "U/L",
        LOINC,
        "2532-0",
        0,
        100_000,
        alternate_codes=("14804-9",),
        unit_aliases=_ENZYME_ALIASES,
        unit_choices=("U/L",),
    ),
    Analyte(
        "triglycerides",
        "Triglycerides",
        "mg/dL",
        LOINC,
        "2571-8",
        1,
        20_000,
        alternate_codes=("14927-8",),
        molar_mass_g_per_mol=885.7,
        unit_choices=("mg/dL", "mmol/L"),
        note="1 mmol/L = 88.57 mg/dL (criteria.md §0), i.e. molar mass 885.7 g/mol",
    ),
    Analyte(
        "fibrinogen",
        "Fibrinogen",
        "mg/dL",
        LOINC,
        "3255-7",
        1,
        2000,
        alternate_codes=("30902-1",),
        molar_mass_g_per_mol=340_000,
        unit_choices=("mg/dL", "g/L"),
        note="1 g/L = 100 mg/dL; 1 g/L ~ 2.94 umol/L (criteria.md §0), i.e. ~340 kDa",
    ),
    Analyte(
        "d_dimer",
        "Fibrin D-dimer (FEU)",
        "mg/L",
        LOINC,
        "48065-7",
        0,
        1000,
        unit_choices=("mg/L", "ug/mL"),
        note="FEU and DDU are assay-dependent and never converted into each other",
    ),
    Analyte("saa", "Serum amyloid A", "mg/L", LOINC, "48498-0", 0, 10_000, unit_choices=("mg/L",)),
    Analyte(
        "scd25",
        "Soluble CD25 (sIL-2R)",
        "U/mL",
        LOCAL_SYSTEM,
        "scd25",
        0,
        1_000_000,
        unit_choices=("U/mL",),
        note="no verified LOINC; U/mL and pg/mL are not interconvertible",
    ),
    Analyte("temperature", "Body temperature", "Cel", LOINC, "8310-5", 25, 45, unit_choices=("Cel", "[degF]")),
    Analyte("weight", "Body weight", "kg", LOINC, "29463-7", 0.3, 300, unit_choices=("kg", "g", "[lb_av]")),
    Analyte(
        "height",
        "Body height",
        "cm",
        LOINC,
        "8302-2",
        20,
        250,
        alternate_codes=("8306-3",),
        unit_choices=("cm", "m", "[in_i]"),
    ),
    # Scored clinical measures (local codes; dimensionless unless a unit exists).
    Analyte("active_joint_count", "Active joint count", "1", LOCAL_SYSTEM, "active_joint_count", 0, 71),
    Analyte(
        "limited_joint_count", "Joints with limited range of motion", "1", LOCAL_SYSTEM, "limited_joint_count", 0, 71
    ),
    Analyte(
        "physician_global",
        "Physician global assessment of disease activity (0-10)",
        "1",
        LOCAL_SYSTEM,
        "physician_global",
        0,
        10,
    ),
    Analyte(
        "patient_global",
        "Parent/patient global assessment of well-being (0-10)",
        "1",
        LOCAL_SYSTEM,
        "patient_global",
        0,
        10,
    ),
    Analyte("chaq", "Childhood Health Assessment Questionnaire (0-3)", "1", LOCAL_SYSTEM, "chaq", 0, 3),
    Analyte(
        "morning_stiffness",
        "Morning stiffness",
        "min",
        LOCAL_SYSTEM,
        "morning_stiffness",
        0,
        1440,
        unit_choices=("min", "h"),
    ),
    Analyte(
        "liver_below_costal_margin",
        "Liver edge below the costal margin",
        "cm",
        LOCAL_SYSTEM,
        "liver_below_costal_margin",
        0,
        30,
    ),
    Analyte(
        "spleen_below_costal_margin",
        "Spleen edge below the costal margin",
        "cm",
        LOCAL_SYSTEM,
        "spleen_below_costal_margin",
        0,
        30,
    ),
    # Qualitative tests.
    Analyte(
        "rheumatoid_factor", "IgM rheumatoid factor", "1", LOCAL_SYSTEM, "rheumatoid_factor", kind=ValueKind.QUALITATIVE
    ),
    Analyte("hla_b27", "HLA-B27", "1", LOCAL_SYSTEM, "hla_b27", kind=ValueKind.QUALITATIVE),
    Analyte("ana", "Antinuclear antibodies", "1", LOCAL_SYSTEM, "ana", kind=ValueKind.QUALITATIVE),
    Analyte(
        "nk_activity",
        "NK-cell activity",
        "1",
        LOCAL_SYSTEM,
        "nk_activity",
        kind=ValueKind.QUALITATIVE,
        note="HLH-2004: low or absent according to the local laboratory reference",
    ),
)

ANALYTES: Mapping[str, Analyte] = MappingProxyType({a.id: a for a in _ANALYTES})
_BY_CODE: Mapping[str, Analyte] = MappingProxyType(
    {code: a for a in _ANALYTES for code in (a.code, *a.alternate_codes)}
)


def analyte(key: str) -> Analyte:
    """Look an analyte up by remit id or by any of its codes (LOINC or local)."""
    found = ANALYTES.get(key) or _BY_CODE.get(key)
    if found is None:
        raise UnknownCodeError(f"unknown analyte {key!r}; known: {', '.join(sorted(ANALYTES))}", field="analyte")
    return found
