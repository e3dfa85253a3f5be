"""Encounter <-> :class:`~remit.core.record.Encounter`.

The visit kind (baseline, scheduled, unscheduled, admission) is in
``Encounter.type`` with remit's code system, the class in ``class`` (``AMB``
or ``IMP``), the scheduled month in an extension. Weight and height measured
at the visit are vital-sign Observations pointing at the Encounter and marked
with the ``encounter-measure`` extension, so they come back onto the visit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from remit.core.record import Encounter, EncounterKind
from remit.errors import RecordError
from remit.interop.fhir.context import WriteContext
from remit.interop.fhir.elements import (
    JSON,
    code_in,
    codeable,
    coding,
    ext,
    extension_value,
    identifier_value,
    note_extension,
    optional_day,
    period,
    with_extensions,
)
from remit.interop.fhir.terminology import ENCOUNTER_CLASS, Ext, System


def encounter_resource(e: Encounter, ctx: WriteContext) -> JSON:
    class_code, class_display = ENCOUNTER_CLASS[e.kind]
    open_admission = e.kind is EncounterKind.ADMISSION and e.end is None
    resource: JSON = {
        "resourceType": "Encounter",
        "id": ctx.rid("Encounter", e.id),
        "identifier": [{"system": System.ITEM_ID, "value": e.id}],
        "status": "unknown" if open_admission else "finished",
        "class": coding(System.ACT_CODE, class_code, class_display),
        "type": [codeable(coding(System.ENCOUNTER_KIND, e.kind.value))],
        "subject": ctx.subject,
        "period": period(e.date, e.end),
    }
    month = None if e.month is None else ext(Ext.SCHEDULED_MONTH, valueInteger=e.month)
    return with_extensions(resource, [month, note_extension(e.note)])


def read_encounter(resource: Mapping[str, Any]) -> Encounter:
    """Weight and height are added later, from their Observations."""
    span = resource.get("period") or {}
    day = optional_day(span.get("start"), "encounter start")
    if day is None:
        raise RecordError("the Encounter has no period.start")
    kind_code = None
    for concept in resource.get("type") or ():
        kind_code = kind_code or code_in(concept, System.ENCOUNTER_KIND)
    if kind_code in {k.value for k in EncounterKind}:
        kind = EncounterKind(kind_code)
    else:
        visit_class = (resource.get("class") or {}).get("code")
        kind = EncounterKind.ADMISSION if visit_class == "IMP" else EncounterKind.UNSCHEDULED
    end = optional_day(span.get("end"), "encounter end")
    if end is not None and end < day:
        raise RecordError(f"the Encounter ends ({end}) before it starts ({day})")
    month = extension_value(resource, Ext.SCHEDULED_MONTH, "valueInteger")
    return Encounter(
        id=identifier_value(resource, System.ITEM_ID) or f"enc-{resource.get('id')}",
        date=day,
        kind=kind,
        month=month,
        end=end,
        note=extension_value(resource, Ext.NOTE, "valueString"),
    )
