"""Observation <-> :class:`~remit.core.record.Observation` (labs, vital signs,
scores), and the weight and height recorded on a visit.

``Observation.code`` holds the analyte's own code (LOINC, or remit's local
measure code for scores without a LOINC) and, after it, the code the value
was received under when that differs (an alternate LOINC such as the
Westergren ESR). The date is ``effectiveDateTime`` as a plain date; a time of
day, which remit stores without a zone, goes in the ``time-of-day`` extension
rather than being given a zone it never had.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from remit.core.analytes import LOCAL_SYSTEM, Analyte, analyte
from remit.core.codes import LOINC, Coding
from remit.core.measurements import Measurement
from remit.core.record import Encounter, Observation
from remit.errors import RecordError, UnknownCodeError
from remit.interop.fhir.context import ReadContext, WriteContext
from remit.interop.fhir.elements import (
    JSON,
    codeable,
    coding,
    coding_of,
    codings_in,
    day_of,
    ext,
    extension_value,
    identifier_value,
    remit_coding,
    time_of,
)
from remit.interop.fhir.quantities import read_measurement, value_elements
from remit.interop.fhir.terminology import Ext, System

_CATEGORY = {
    "temperature": "vital-signs",
    "weight": "vital-signs",
    "height": "vital-signs",
    "active_joint_count": "exam",
    "limited_joint_count": "exam",
    "liver_below_costal_margin": "exam",
    "spleen_below_costal_margin": "exam",
    "morning_stiffness": "survey",
    "physician_global": "survey",
    "patient_global": "survey",
    "chaq": "survey",
}


def category(name: str) -> list[JSON]:
    return [codeable(coding(System.OBSERVATION_CATEGORY, name))]


def analyte_coding(spec: Analyte) -> JSON:
    return coding(spec.system, spec.code, spec.name)


def observation_resource(o: Observation, ctx: WriteContext) -> JSON:
    spec = analyte(o.analyte)
    codings = [analyte_coding(spec)] + ([coding_of(o.code)] if o.code is not None else [])
    return _measured(
        ctx.rid("Observation", o.id),
        spec,
        o.measurement,
        o.date,
        ctx,
        identifier=o.id,
        codings=codings,
        encounter=o.encounter,
        at=o.time,
        source=o.source,
    )


def encounter_measure_resources(e: Encounter, ctx: WriteContext) -> list[JSON]:
    """Weight and height of a visit as vital-sign Observations."""
    found = []
    for name, measurement in (("weight", e.weight), ("height", e.height)):
        if measurement is None:
            continue
        spec = analyte(measurement.analyte)
        resource = _measured(
            ctx.rid("Observation", f"{e.id}:{name}"),
            spec,
            measurement,
            e.date,
            ctx,
            codings=[analyte_coding(spec)],
            encounter=e.id,
        )
        resource["extension"].insert(0, ext(Ext.ENCOUNTER_MEASURE, valueCode=name))
        found.append(resource)
    return found


def _measured(
    rid: str,
    spec: Analyte,
    measurement: Measurement,
    day: date,
    ctx: WriteContext,
    *,
    codings: list[JSON],
    identifier: str | None = None,
    encounter: str | None = None,
    at: time | None = None,
    source: str | None = None,
) -> JSON:
    resource: JSON = {"resourceType": "Observation", "id": rid}
    if identifier is not None:
        resource["identifier"] = [{"system": System.ITEM_ID, "value": identifier}]
    resource |= {
        "status": "final",
        "category": category(_CATEGORY.get(spec.id, "laboratory")),
        "code": codeable(*codings, text=spec.name),
        "subject": ctx.subject,
    }
    link = ctx.encounter(encounter)
    if link is not None:
        resource["encounter"] = link
    resource["effectiveDateTime"] = day.isoformat()
    values = value_elements(measurement)
    extra: list[JSON] = values.pop("extension")
    if at is not None:
        extra.append(ext(Ext.TIME_OF_DAY, valueTime=at.isoformat()))
    if source is not None:
        extra.append(ext(Ext.OBSERVATION_SOURCE, valueString=source))
    resource["extension"] = extra
    return resource | values


def analyte_of(resource: Mapping[str, Any]) -> Analyte:
    """The analyte an Observation measures, from its LOINC or local codes."""
    codings = codings_in(resource.get("code"))
    for c in codings:
        if c.get("system") in (LOINC, LOCAL_SYSTEM):
            try:
                return analyte(str(c["code"]))
            except UnknownCodeError:
                continue
    shown = ", ".join(f"{c.get('system')}|{c['code']}" for c in codings) or "none"
    raise UnknownCodeError(f"no remit analyte for the code(s) {shown}")


def effective_day(resource: Mapping[str, Any]) -> tuple[date, time | None]:
    value = resource.get("effectiveDateTime") or resource.get("effectiveInstant")
    if value is None:
        value = (resource.get("effectivePeriod") or {}).get("start")
    if value is None:
        raise RecordError("no effective date")
    return day_of(value, "effective date"), time_of(value)


def read_observation(resource: Mapping[str, Any], ctx: ReadContext) -> Observation:
    spec = analyte_of(resource)
    measurement, notes = read_measurement(spec.id, resource)
    ctx.notes.extend(notes)
    day, at = effective_day(resource)
    local_time = extension_value(resource, Ext.TIME_OF_DAY, "valueTime")
    if local_time is not None:
        at = local_time if isinstance(local_time, time) else time.fromisoformat(str(local_time))
    return Observation(
        id=identifier_value(resource, System.ITEM_ID) or f"obs-{resource.get('id')}",
        measurement=measurement,
        date=day,
        time=at,
        encounter=ctx.encounter_id(resource.get("encounter")),
        source=extension_value(resource, Ext.OBSERVATION_SOURCE, "valueString"),
        code=_received_code(spec, resource),
    )


def _received_code(spec: Analyte, resource: Mapping[str, Any]) -> Coding | None:
    """The first coding other than the analyte's own (system and code)."""
    skipped_own = False
    for c in codings_in(resource.get("code")):
        if not skipped_own and c.get("system") == spec.system and c["code"] == spec.code:
            skipped_own = True
            continue
        return remit_coding(c)
    return None


def read_encounter_measure(resource: Mapping[str, Any]) -> tuple[str, Measurement, list[str]] | None:
    """``(weight|height, measurement, notes)`` for an encounter-measure Observation."""
    name = extension_value(resource, Ext.ENCOUNTER_MEASURE, "valueCode")
    if name is None:
        return None
    if name not in ("weight", "height"):
        raise RecordError(f"unknown encounter measure {name!r}")
    spec = analyte_of(resource)
    if spec.id != name:
        raise RecordError(f"an encounter {name} coded as {spec.id}")
    measurement, notes = read_measurement(spec.id, resource)
    return name, measurement, notes
