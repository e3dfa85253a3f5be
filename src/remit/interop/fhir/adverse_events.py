"""AdverseEvent (R4) <-> :class:`~remit.core.record.AdverseEvent`.

The term is ``event.text`` (MedDRA cannot be shipped; remit stores the term as
written). ``date`` is the onset; R4 has no end date, so it is an extension, as
are the ICH E2A seriousness criteria and the relatedness (which also goes into
``suspectEntity.causality`` when a drug is suspected). ``outcome`` uses HL7's
AdverseEvent outcome codes; ``seriousness`` remit's own (serious / non-serious).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from remit.core.record import AdverseEvent, Relatedness, SeriousCriterion
from remit.errors import RecordError, RemitError
from remit.interop.fhir.context import ReadContext, WriteContext
from remit.interop.fhir.drugs import drug_name, drug_of
from remit.interop.fhir.elements import (
    JSON,
    code_in,
    codeable,
    coding,
    codings_in,
    day_of,
    ext,
    extension_value,
    extensions,
    iso,
    note_extension,
    optional_day,
    with_extensions,
)
from remit.interop.fhir.terminology import AE_OUTCOME_CODES, AE_OUTCOMES, Ext, System


def adverse_event_resource(a: AdverseEvent, ctx: WriteContext) -> JSON:
    outcome_code, outcome_display = AE_OUTCOMES[a.outcome]
    resource: JSON = {
        "resourceType": "AdverseEvent",
        "id": ctx.rid("AdverseEvent", a.id),
        "identifier": {"system": System.ITEM_ID, "value": a.id},
        "actuality": "actual",
        "event": {"text": a.term},
        "subject": ctx.subject,
        "date": iso(a.onset),
        "seriousness": codeable(coding(System.SERIOUSNESS, "serious" if a.serious else "non-serious")),
        "outcome": codeable(coding(System.AE_OUTCOME, outcome_code, outcome_display)),
    }
    if a.drug is not None:
        resource["suspectEntity"] = [
            {
                "instance": {"identifier": {"system": System.DRUG_ID, "value": a.drug}, "display": drug_name(a.drug)},
                "causality": [{"assessment": codeable(coding(System.RELATEDNESS, a.relatedness.value))}],
            }
        ]
    items: list[JSON | None] = [None if a.end is None else ext(Ext.AE_END, valueDate=iso(a.end))]
    items += [ext(Ext.AE_SERIOUS_CRITERION, valueCode=c.value) for c in SeriousCriterion if c in a.serious_criteria]
    items += [ext(Ext.AE_RELATEDNESS, valueCode=a.relatedness.value), note_extension(a.note)]
    return with_extensions(resource, items)


def read_adverse_event(resource: Mapping[str, Any], ctx: ReadContext) -> AdverseEvent:
    if resource.get("actuality") == "potential":
        raise RecordError("a potential adverse event (actuality 'potential') is not an event remit records")
    term = _term(resource.get("event") or {})
    onset = resource.get("date") or resource.get("detected")
    if onset is None:
        raise RecordError("no onset date (date or detected)")
    start = day_of(onset, "onset")
    end = optional_day(extension_value(resource, Ext.AE_END, "valueDate"), "end")
    if end is not None and end < start:
        raise RecordError(f"ends ({end}) before its onset ({start})")
    criteria = frozenset(
        SeriousCriterion(item.get("valueCode")) for item in extensions(resource, Ext.AE_SERIOUS_CRITERION)
    )
    if not criteria and code_in(resource.get("seriousness"), System.SERIOUSNESS) == "serious":
        ctx.notes.append("serious, but no seriousness criterion given: recorded as not serious")
    drug, relatedness = _suspect(resource, ctx)
    outcome_code = code_in(resource.get("outcome"), System.AE_OUTCOME)
    identifier = resource.get("identifier") or {}
    return AdverseEvent(
        id=str(identifier["value"]) if identifier.get("system") == System.ITEM_ID else f"ae-{resource.get('id')}",
        term=term,
        onset=start,
        end=end,
        serious_criteria=criteria,
        relatedness=relatedness,
        outcome=AE_OUTCOME_CODES.get(outcome_code or "", AE_OUTCOME_CODES["unknown"]),
        drug=drug,
        note=extension_value(resource, Ext.NOTE, "valueString"),
    )


def _term(event: Mapping[str, Any]) -> str:
    if isinstance(event.get("text"), str):
        return str(event["text"])
    for c in codings_in(event):
        return str(c.get("display") or c["code"])
    raise RecordError("the adverse event has no term (event.text or a coding)")


def _suspect(resource: Mapping[str, Any], ctx: ReadContext) -> tuple[str | None, Relatedness]:
    code = extension_value(resource, Ext.AE_RELATEDNESS, "valueCode")
    relatedness = Relatedness(code) if code in {r.value for r in Relatedness} else None
    drug = None
    for suspect in resource.get("suspectEntity") or ():
        instance = suspect.get("instance") or {}
        ident = instance.get("identifier") or {}
        own = ident.get("system") == System.DRUG_ID
        drug = str(ident.get("value")) if own else _drug_of_instance(instance, ctx)
        for causality in suspect.get("causality") or ():
            found = code_in(causality.get("assessment"), System.RELATEDNESS)
            if relatedness is None and found in {r.value for r in Relatedness}:
                relatedness = Relatedness(found)
        if drug is not None:
            break
    return drug, relatedness or Relatedness.UNKNOWN


def _drug_of_instance(instance: Mapping[str, Any], ctx: ReadContext) -> str | None:
    target = ctx.resolve(instance) if instance.get("reference") else None
    try:
        if target is not None:
            concept = target.get("medicationCodeableConcept") or target.get("code")
            return drug_of(concept)
        if isinstance(instance.get("display"), str):
            return drug_of({"text": instance["display"]})
    except RemitError as exc:
        ctx.notes.append(f"suspected drug not kept: {exc.message}")
        return None
    if instance:
        ctx.notes.append("suspected drug not kept: the reference cannot be resolved")
    return None
