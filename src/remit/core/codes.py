"""Coded concepts: a code in a code system, with an optional display."""

from __future__ import annotations

from dataclasses import dataclass

ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"

SYSTEM_NAMES = {
    ICD10: "ICD-10",
    ICD10CM: "ICD-10-CM",
    SNOMED: "SNOMED CT",
    LOINC: "LOINC",
    RXNORM: "RxNorm",
    ATC: "ATC",
}
SYSTEM_ALIASES = {name.casefold(): uri for uri, name in SYSTEM_NAMES.items()} | {
    "icd10": ICD10,
    "icd10cm": ICD10CM,
    "snomed": SNOMED,
    "sct": SNOMED,
}


@dataclass(frozen=True, slots=True)
class Coding:
    system: str
    code: str
    display: str | None = None

    @property
    def system_name(self) -> str:
        return SYSTEM_NAMES.get(self.system, self.system)


def system_uri(name_or_uri: str) -> str:
    """Accept ``ICD-10``, ``icd10cm``, ``SNOMED`` ... or a URI; return the URI."""
    return SYSTEM_ALIASES.get(
        name_or_uri.casefold().replace(" ", ""), SYSTEM_ALIASES.get(name_or_uri.casefold(), name_or_uri)
    )
