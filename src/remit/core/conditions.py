"""The diseases remit follows, with their codings.

Codes are from ``../shared/reference/standards-and-libraries.md`` §B2; only
codes marked verified there are attached automatically. A diagnosis may carry
further codings entered by the user (they are stored as given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from remit.core.codes import ICD10CM, SNOMED, Coding
from remit.errors import UnknownCodeError


@dataclass(frozen=True, slots=True)
class Condition:
    id: str
    name: str
    group: str  # "sjia" or "said" (systemic autoinflammatory disease), as the cohort paper groups them
    codings: tuple[Coding, ...] = ()


_CONDITIONS = (
    Condition(
        "sjia",
        "Systemic juvenile idiopathic arthritis",
        "sjia",
        (
            Coding(ICD10CM, "M08.2", "Juvenile rheumatoid arthritis with systemic onset"),
            Coding(SNOMED, "201796004", "Systemic onset juvenile chronic arthritis"),
        ),
    ),
    Condition(
        "mas",
        "Macrophage activation syndrome",
        "sjia",
        (Coding(ICD10CM, "D76.1", "Hemophagocytic lymphohistiocytosis"),),
    ),
    Condition("fmf", "Familial Mediterranean fever", "said", (Coding(ICD10CM, "M04.1", "Periodic fever syndromes"),)),
    Condition(
        "caps",
        "Cryopyrin-associated periodic syndrome",
        "said",
        (Coding(ICD10CM, "M04.2", "Cryopyrin-associated periodic syndromes"),),
    ),
    Condition(
        "mkd",
        "Mevalonate kinase deficiency / hyper-IgD syndrome",
        "said",
        (Coding(ICD10CM, "M04.1", "Periodic fever syndromes"),),
    ),
    Condition(
        "traps",
        "TNF receptor-associated periodic syndrome",
        "said",
        (Coding(ICD10CM, "M04.1", "Periodic fever syndromes"),),
    ),
    Condition(
        "recurrent_pericarditis",
        "Idiopathic recurrent pericarditis",
        "said",
        (
            Coding(ICD10CM, "I30.0", "Acute nonspecific idiopathic pericarditis"),
            Coding(SNOMED, "3238004", "Pericarditis"),
        ),
    ),
    Condition("naps12", "NLRP12-associated autoinflammatory disease", "said"),
    Condition("unclassified_said", "Unclassified systemic autoinflammatory disease", "said"),
)

CONDITIONS: Mapping[str, Condition] = MappingProxyType({c.id: c for c in _CONDITIONS})


def condition(condition_id: str) -> Condition:
    try:
        return CONDITIONS[condition_id]
    except KeyError:
        raise UnknownCodeError(
            f"unknown condition {condition_id!r}; known: {', '.join(CONDITIONS)}", field="condition"
        ) from None
