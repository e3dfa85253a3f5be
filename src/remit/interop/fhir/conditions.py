"""Condition <-> :class:`~remit.core.record.Diagnosis`.

``Condition.code`` carries remit's condition code first, then the diagnosis'
codings (ICD-10-CM, SNOMED CT ... as stored). A Condition from another system
has no remit code; it is recognised by a code that belongs to exactly one
remit condition (ICD-10-CM ``M08.2`` and its sub-codes for sJIA, ``D76.1`` for
MAS ...). ``M04.1`` (FMF, MKD and TRAPS share it) and the generic SNOMED
"pericarditis" identify no single condition, so such a Condition is skipped
with that reason rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from remit.core.codes import ICD10CM, SNOMED
from remit.core.conditions import CONDITIONS, Condition, condition
from remit.core.record import Diagnosis, DiagnosisStatus
from remit.errors import UnknownCodeError
from remit.interop.fhir.context import ReadContext, WriteContext
from remit.interop.fhir.elements import (
    JSON,
    annotation,
    annotation_text,
    code_in,
    codeable,
    coding,
    coding_of,
    codings_in,
    identifier_value,
    iso,
    optional_day,
    remit_coding,
)
from remit.interop.fhir.terminology import DIAGNOSIS_STATUS, System

# Codes attached to a condition that do not identify it on their own.
_TOO_BROAD = frozenset({(SNOMED, "3238004")})  # "Pericarditis": not necessarily idiopathic or recurrent


def condition_resource(d: Diagnosis, ctx: WriteContext) -> JSON:
    known = CONDITIONS.get(d.condition)
    name = known.name if known is not None else d.condition
    resource: JSON = {
        "resourceType": "Condition",
        "id": ctx.rid("Condition", d.id),
        "identifier": [{"system": System.ITEM_ID, "value": d.id}],
        "category": [codeable(coding(System.CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))],
        "code": codeable(coding(System.CONDITION, d.condition, name), *(coding_of(c) for c in d.codings), text=name),
        "subject": ctx.subject,
    }
    clinical, verification = DIAGNOSIS_STATUS[d.status]
    if clinical is not None:
        resource["clinicalStatus"] = codeable(coding(System.CONDITION_CLINICAL, clinical))
    resource["verificationStatus"] = codeable(coding(System.CONDITION_VERIFICATION, verification))
    if d.onset is not None:
        resource["onsetDateTime"] = iso(d.onset)
    if d.recorded is not None:
        resource["recordedDate"] = iso(d.recorded)
    if d.note is not None:
        resource["note"] = annotation(d.note)
    return resource


def read_condition(resource: Mapping[str, Any], ctx: ReadContext) -> Diagnosis:
    concept = resource.get("code")
    remit_code = code_in(concept, System.CONDITION)
    known = condition(remit_code) if remit_code is not None else _recognise(codings_in(concept))
    codings = [remit_coding(c) for c in codings_in(concept) if c.get("system") != System.CONDITION]
    present = {(c.system, c.code) for c in codings}
    codings += [c for c in known.codings if (c.system, c.code) not in present]
    rid = resource.get("id")
    return Diagnosis(
        id=identifier_value(resource, System.ITEM_ID) or f"dx-{rid}",
        condition=known.id,
        onset=optional_day(resource.get("onsetDateTime") or (resource.get("onsetPeriod") or {}).get("start"), "onset"),
        status=_status(resource),
        codings=tuple(codings),
        recorded=optional_day(resource.get("recordedDate"), "recorded date"),
        note=annotation_text(resource),
    )


def _status(resource: Mapping[str, Any]) -> DiagnosisStatus:
    verification = code_in(resource.get("verificationStatus"), System.CONDITION_VERIFICATION)
    clinical = code_in(resource.get("clinicalStatus"), System.CONDITION_CLINICAL)
    if verification in ("refuted", "entered-in-error"):
        return DiagnosisStatus.REFUTED
    if verification in ("provisional", "differential", "unconfirmed"):
        return DiagnosisStatus.SUSPECTED
    if clinical in ("resolved", "inactive", "remission"):
        return DiagnosisStatus.RESOLVED
    return DiagnosisStatus.ACTIVE


def _index() -> Mapping[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], list[str]] = {}
    for known in CONDITIONS.values():
        for c in known.codings:
            found.setdefault((c.system, c.code), []).append(known.id)
    return MappingProxyType({key: tuple(ids) for key, ids in found.items()})


_BY_CODE = _index()


def _recognise(codings: list[Mapping[str, Any]]) -> Condition:
    seen: list[str] = []
    for c in codings:
        system, code = str(c.get("system")), str(c["code"])
        for candidate in _candidates(system, code):
            ids = _BY_CODE.get((system, candidate))
            if ids is None:
                continue
            if (system, candidate) in _TOO_BROAD or len(ids) > 1:
                seen.append(f"{code} fits {', '.join(ids)}" if len(ids) > 1 else f"{code} is too broad")
                break
            return CONDITIONS[ids[0]]
        else:
            seen.append(f"{system}|{code}")
    raise UnknownCodeError(
        "no remit condition for the code(s) " + "; ".join(seen) + " - add a coding in " + System.CONDITION
    )


def _candidates(system: str, code: str) -> list[str]:
    """ICD-10-CM codes also match their parent category (M08.29 -> M08.2)."""
    if system != ICD10CM:
        return [code]
    return [code[:end] for end in range(len(code), 4, -1)]
