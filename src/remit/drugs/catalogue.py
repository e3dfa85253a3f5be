"""The drug catalogue: every drug of ``../shared/reference/drugs.md`` as frozen data.

Look drugs up by id (:func:`drug`) or by any name a clinician or a paper uses
(:func:`find_drug`: "VP-16" is etoposide, "CSA" is ciclosporin, "Kineret" is
anakinra). The catalogue is checked for internal consistency when it is built:
unique ids and names, known indications, and rule ids prefixed by their drug.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from remit.drugs.anti_inflammatories import ANTI_INFLAMMATORIES
from remit.drugs.dose_rules import DoseRule
from remit.drugs.drug import Drug
from remit.drugs.glucocorticoids import GLUCOCORTICOIDS
from remit.drugs.il1_blockers import IL1_BLOCKERS
from remit.drugs.immunosuppressants import IMMUNOSUPPRESSANTS
from remit.drugs.indications import INDICATIONS
from remit.drugs.other_biologics import OTHER_BIOLOGICS
from remit.errors import UnknownCodeError

_ALL: tuple[Drug, ...] = IL1_BLOCKERS + OTHER_BIOLOGICS + IMMUNOSUPPRESSANTS + GLUCOCORTICOIDS + ANTI_INFLAMMATORIES


def name_key(name: str) -> str:
    """Fold a drug name for lookup: case, spaces, hyphens and dots do not
    matter ("VP-16" = "vp16", "Cyclosporin A" = "cyclosporina")."""
    return re.sub(r"[\s\-_.]+", "", name.casefold())


def _build(drugs: tuple[Drug, ...]) -> tuple[Mapping[str, Drug], Mapping[str, Drug]]:
    by_id: dict[str, Drug] = {}
    by_name: dict[str, Drug] = {}
    rule_ids: set[str] = set()
    for entry in drugs:
        if entry.id in by_id:
            raise ValueError(f"duplicate drug id {entry.id!r}")
        by_id[entry.id] = entry
        for name in (entry.id, entry.name, *entry.synonyms):
            key = name_key(name)
            if by_name.get(key, entry) is not entry:
                raise ValueError(f"drug name {name!r} is used by {by_name[key].id} and {entry.id}")
            by_name[key] = entry
        for rule in entry.rules:
            _check_rule(entry, rule, rule_ids)
    return MappingProxyType(by_id), MappingProxyType(by_name)


def _check_rule(entry: Drug, rule: DoseRule, seen: set[str]) -> None:
    shared = rule.id.split(".", 1)[0] != entry.id
    if rule.id in seen and not shared:
        raise ValueError(f"duplicate rule id {rule.id!r}")
    seen.add(rule.id)
    unknown = [i for i in rule.indications if i not in INDICATIONS]
    if unknown:
        raise ValueError(f"rule {rule.id} names unknown indications {unknown}")
    low, high = rule.usual
    if low is not None and high is not None and low > high:
        raise ValueError(f"rule {rule.id}: usual range {low}-{high} is reversed")
    if rule.maximum is not None and high is not None and rule.maximum < high:
        raise ValueError(f"rule {rule.id}: maximum {rule.maximum} is below the usual range")


DRUGS, _BY_NAME = _build(_ALL)


def drug(drug_id: str) -> Drug:
    """The catalogue entry for a drug id (as stored on a course)."""
    try:
        return DRUGS[drug_id]
    except KeyError:
        raise UnknownCodeError(
            f"unknown drug {drug_id!r}; known: {', '.join(DRUGS)} (or use find_drug for names)", field="drug"
        ) from None


def find_drug(name: str) -> Drug:
    """Find a drug by id, name, brand or abbreviation ("VP-16", "CSA", "MTX")."""
    found = _BY_NAME.get(name_key(name))
    if found is None:
        raise UnknownCodeError(f"no drug called {name!r} in the catalogue; known ids: {', '.join(DRUGS)}", field="drug")
    return found


def all_rules() -> tuple[tuple[Drug, DoseRule], ...]:
    """Every (drug, rule) pair in catalogue order, for docs and audits."""
    return tuple((entry, rule) for entry in DRUGS.values() for rule in entry.rules)
