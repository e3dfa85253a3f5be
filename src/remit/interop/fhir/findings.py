"""Findings, episodes and diary days: remit facts FHIR has no resource for,
written as Observations with remit's local code systems.

* A finding (fever, arthritis, rash ...) is coded in ``CodeSystem/finding``;
  ``valueBoolean`` says present or absent; a single day is
  ``effectiveDateTime``, a span ``effectivePeriod``; a measured value (the
  temperature of a fever) is a component; attributes are extensions.
* An episode (fever attack, flare, MAS) is coded ``record-kind#episode`` plus
  its kind; its features are boolean components in the finding code system,
  its duration in hours (when known more precisely than the dates) is the
  ``valueQuantity``.
* A diary day is coded ``record-kind#diary-day``; each answered AIDAI item is
  a boolean component, in the order answered, plus ``pain_relief``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from remit.core.analytes import analyte
from remit.core.findings import FINDING_KINDS, finding_kind
from remit.core.record import AIDAI_ITEMS, DiaryDay, Episode, EpisodeKind, Finding
from remit.errors import RecordError
from remit.interop.fhir.context import ReadContext, WriteContext
from remit.interop.fhir.elements import (
    JSON,
    annotation,
    annotation_text,
    attribute_extensions,
    attributes_of,
    code_in,
    codeable,
    coding,
    day_of,
    identifier_value,
    number,
    optional_day,
    period,
    with_extensions,
)
from remit.interop.fhir.observations import analyte_coding, category
from remit.interop.fhir.quantities import read_measurement, value_elements
from remit.interop.fhir.terminology import DIARY_PAIN_RELIEF, RECORD_DIARY_DAY, RECORD_EPISODE, System


def _span(start: date, end: date | None) -> JSON:
    if end is None:
        return {"effectiveDateTime": start.isoformat()}
    return {"effectivePeriod": period(start, end)}


def _read_span(resource: Mapping[str, Any]) -> tuple[date, date | None]:
    if resource.get("effectiveDateTime") is not None:
        return day_of(resource["effectiveDateTime"], "effective date"), None
    span = resource.get("effectivePeriod") or {}
    start = optional_day(span.get("start"), "start")
    if start is None:
        raise RecordError("no effective date or period start")
    end = optional_day(span.get("end"), "end")
    if end is not None and end < start:
        raise RecordError(f"ends ({end}) before it starts ({start})")
    return start, end


def _base(resource_type_id: str, identifier: str | None, kind: str, codings: list[JSON], text: str) -> JSON:
    resource: JSON = {"resourceType": "Observation", "id": resource_type_id}
    if identifier is not None:
        resource["identifier"] = [{"system": System.ITEM_ID, "value": identifier}]
    resource |= {"status": "final", "category": category(kind), "code": codeable(*codings, text=text)}
    return resource


def _boolean_component(system: str, code: str, value: bool) -> JSON:
    return {"code": codeable(coding(system, code)), "valueBoolean": value}


# ----- findings ----------------------------------------------------------------


def finding_resource(f: Finding, ctx: WriteContext) -> JSON:
    kind = FINDING_KINDS.get(f.kind)
    name = kind.name if kind is not None else f.kind
    resource = _base(ctx.rid("Observation", f.id), f.id, "exam", [coding(System.FINDING, f.kind, name)], name)
    resource["subject"] = ctx.subject
    link = ctx.encounter(f.encounter)
    if link is not None:
        resource["encounter"] = link
    resource |= _span(f.start, f.end)
    resource["valueBoolean"] = f.present
    if f.value is not None:
        resource["component"] = [
            {"code": codeable(analyte_coding(analyte(f.value.analyte))), **value_elements(f.value)}
        ]
    if f.note is not None:
        resource["note"] = annotation(f.note)
    return with_extensions(resource, attribute_extensions(f.attributes))


def read_finding(resource: Mapping[str, Any], ctx: ReadContext) -> Finding:
    kind = finding_kind(str(code_in(resource.get("code"), System.FINDING)))
    attributes = attributes_of(resource)
    for name, _ in attributes:
        if name not in kind.attributes:
            raise RecordError(f"finding {kind.id} has no attribute {name!r} (allowed: {', '.join(kind.attributes)})")
    value = None
    components = resource.get("component") or ()
    if components:
        if kind.value_analyte is None:
            raise RecordError(f"finding {kind.id} carries no measured value, but a component was given")
        value, notes = read_measurement(kind.value_analyte, components[0])
        ctx.notes.extend(notes)
    present = resource.get("valueBoolean")
    if not isinstance(present, bool):
        raise RecordError("a finding needs valueBoolean (present or absent)")
    start, end = _read_span(resource)
    return Finding(
        id=identifier_value(resource, System.ITEM_ID) or f"finding-{resource.get('id')}",
        kind=kind.id,
        start=start,
        present=present,
        end=end,
        value=value,
        attributes=attributes,
        encounter=ctx.encounter_id(resource.get("encounter")),
        note=annotation_text(resource),
    )


# ----- episodes ----------------------------------------------------------------


def episode_resource(e: Episode, ctx: WriteContext) -> JSON:
    codings = [coding(System.RECORD_KIND, RECORD_EPISODE), coding(System.EPISODE_KIND, e.kind.value)]
    resource = _base(ctx.rid("Observation", e.id), e.id, "exam", codings, f"episode: {e.kind.value}")
    resource["subject"] = ctx.subject
    resource |= _span(e.start, e.end)
    if e.duration_hours is not None:
        resource["valueQuantity"] = {"value": e.duration_hours, "unit": "h", "system": System.UCUM, "code": "h"}
    if e.features:
        resource["component"] = [_boolean_component(System.FINDING, f, True) for f in e.features]
    if e.note is not None:
        resource["note"] = annotation(e.note)
    return with_extensions(resource, attribute_extensions(e.attributes))


def read_episode(resource: Mapping[str, Any]) -> Episode:
    kind = code_in(resource.get("code"), System.EPISODE_KIND)
    if kind not in {k.value for k in EpisodeKind}:
        raise RecordError(f"unknown episode kind {kind!r}")
    features = []
    for component in resource.get("component") or ():
        feature = code_in(component.get("code"), System.FINDING)
        features.append(finding_kind(str(feature)).id)
    duration = resource.get("valueQuantity")
    start, end = _read_span(resource)
    return Episode(
        id=identifier_value(resource, System.ITEM_ID) or f"episode-{resource.get('id')}",
        kind=EpisodeKind(kind),
        start=start,
        end=end,
        features=tuple(features),
        attributes=attributes_of(resource),
        duration_hours=None if duration is None else number(duration.get("value")),
        note=annotation_text(resource),
    )


# ----- diary days ----------------------------------------------------------------


def diary_resource(d: DiaryDay, ctx: WriteContext) -> JSON:
    resource = _base(
        ctx.rid("Observation", f"diary:{d.date.isoformat()}"),
        None,
        "survey",
        [coding(System.RECORD_KIND, RECORD_DIARY_DAY)],
        "AIDAI diary day",
    )
    resource["subject"] = ctx.subject
    resource["effectiveDateTime"] = d.date.isoformat()
    components = [_boolean_component(System.AIDAI_ITEM, item, answer) for item, answer in d.items]
    if d.pain_relief is not None:
        components.append(_boolean_component(System.AIDAI_ITEM, DIARY_PAIN_RELIEF, d.pain_relief))
    if components:
        resource["component"] = components
    return resource


def read_diary_day(resource: Mapping[str, Any]) -> DiaryDay:
    items: list[tuple[str, bool]] = []
    pain_relief = None
    for component in resource.get("component") or ():
        item = code_in(component.get("code"), System.AIDAI_ITEM)
        answer = component.get("valueBoolean")
        if not isinstance(answer, bool):
            raise RecordError(f"diary item {item} has no yes/no answer")
        if item == DIARY_PAIN_RELIEF:
            pain_relief = answer
        elif item in AIDAI_ITEMS:
            items.append((item, answer))
        else:
            raise RecordError(f"unknown diary item {item!r}")
    return DiaryDay(day_of(resource.get("effectiveDateTime"), "diary date"), tuple(items), pain_relief)


def record_kind(resource: Mapping[str, Any]) -> str | None:
    """``episode``, ``diary-day``, ``finding`` or None for a measured Observation."""
    kind = code_in(resource.get("code"), System.RECORD_KIND)
    if kind is not None:
        return kind
    return "finding" if code_in(resource.get("code"), System.FINDING) is not None else None
