"""DRUG_ERA rows from DRUG_EXPOSURE rows, the OHDSI way.

Per person and ingredient, exposures whose periods overlap are first joined
into sub-exposures; sub-exposures are then joined into one era while the gap
between one's end and the next one's start is at most the standard
persistence window of 30 days (OMOP CDM v5.4 ETL conventions for DRUG_ERA,
standards §A4 and §B4; the OHDSI script is at
https://ohdsi.github.io/CommonDataModel/sqlScripts.html#Drug_Eras).
``gap_days`` is the drug-free time inside the era, "assuming no stockpiling":
the era's length minus the length of its sub-exposures, in the script's
``DATEDIFF`` arithmetic (end minus start, in days).

remit's ingredient is its drug id: the drug concept ids are not verified
(standards §B3), so with the shipped map every ``drug_concept_id`` is 0 and
grouping by concept would merge different drugs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from remit.interop.courses import PERSISTENCE_WINDOW


@dataclass(frozen=True, slots=True)
class Era:
    person_id: int
    drug: str
    start: date
    end: date
    exposure_count: int
    gap_days: int


def drug_eras(exposures: Sequence[tuple[int, str, date, date]]) -> list[Era]:
    """Eras from ``(person_id, drug, start, end)`` exposures (end inclusive)."""
    groups: dict[tuple[int, str], list[tuple[date, date]]] = {}
    for person_id, drug, start, end in exposures:
        groups.setdefault((person_id, drug), []).append((start, max(start, end)))
    eras: list[Era] = []
    for (person_id, drug), spans in sorted(groups.items()):
        eras += _eras(person_id, drug, sorted(spans))
    return eras


def _eras(person_id: int, drug: str, spans: list[tuple[date, date]]) -> list[Era]:
    subs: list[tuple[date, date, int]] = []  # start, end, exposures
    for start, end in spans:
        if subs and start <= subs[-1][1]:
            first, last, count = subs[-1]
            subs[-1] = (first, max(last, end), count + 1)
        else:
            subs.append((start, end, 1))
    eras: list[Era] = []
    current: list[tuple[date, date, int]] = []
    for sub in subs:
        if current and sub[0] - current[-1][1] > PERSISTENCE_WINDOW:
            eras.append(_era(person_id, drug, current))
            current = []
        current.append(sub)
    if current:
        eras.append(_era(person_id, drug, current))
    return eras


def _era(person_id: int, drug: str, subs: list[tuple[date, date, int]]) -> Era:
    start, end = subs[0][0], max(sub[1] for sub in subs)
    exposed = sum((sub[1] - sub[0]).days for sub in subs)
    return Era(person_id, drug, start, end, sum(sub[2] for sub in subs), (end - start).days - exposed)


def era_rows(eras: Sequence[Era], concept_of: Callable[[str], int]) -> list[dict[str, object]]:
    return [
        {
            "drug_era_id": i,
            "person_id": era.person_id,
            "drug_concept_id": concept_of(era.drug),
            "drug_era_start_date": era.start,
            "drug_era_end_date": era.end,
            "drug_exposure_count": era.exposure_count,
            "gap_days": era.gap_days,
        }
        for i, era in enumerate(eras, start=1)
    ]
