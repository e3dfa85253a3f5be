"""Drug codings: what remit writes for a drug, and how a drug is recognised.

Written: remit's drug code (the catalogue id) first, then the catalogue's
ATC and RxNorm codes that standards §B3 marks verified. Unverified codes
(most RxNorm ingredient codes) are not written: a wrong code in an export is
worse than a missing one. Read: remit's code, else a verified ATC/RxNorm code,
else a drug name the catalogue knows (``Kineret``, ``MTX``) in ``text`` or a
coding's ``display``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from remit.core.provenance import Verification
from remit.drugs import DRUGS, find_drug
from remit.errors import UnknownCodeError
from remit.interop.fhir.elements import JSON, code_in, codeable, coding, coding_of, codings_in
from remit.interop.fhir.terminology import System


def drug_name(drug_id: str) -> str:
    known = DRUGS.get(drug_id)
    return known.name if known is not None else drug_id


def medication_concept(drug_id: str) -> JSON:
    codings = [coding(System.DRUG, drug_id, drug_name(drug_id))]
    known = DRUGS.get(drug_id)
    if known is not None:
        codings += [coding_of(c.coding) for c in known.codes if c.provenance.verification is Verification.VERIFIED]
    return codeable(*codings, text=drug_name(drug_id))


def _verified_codes() -> Mapping[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for entry in DRUGS.values():
        for code in entry.codes:
            if code.provenance.verification is Verification.VERIFIED:
                found[(code.coding.system, code.coding.code)] = entry.id
    return MappingProxyType(found)


_BY_CODE = _verified_codes()


def drug_of(concept: Mapping[str, Any] | None) -> str:
    """The remit drug id a medication CodeableConcept names."""
    remit_code = code_in(concept, System.DRUG)
    if remit_code is not None:
        return remit_code
    codings = codings_in(concept)
    for c in codings:
        found = _BY_CODE.get((str(c.get("system")), str(c["code"])))
        if found is not None:
            return found
    names = [concept.get("text")] if concept else []
    names += [c.get("display") for c in codings]
    for name in names:
        if isinstance(name, str):
            try:
                return find_drug(name).id
            except UnknownCodeError:
                continue
    shown = ", ".join(f"{c.get('system')}|{c['code']}" for c in codings) or str((concept or {}).get("text"))
    raise UnknownCodeError(f"no remit drug for {shown} (known: verified ATC/RxNorm codes and catalogue names)")
