"""MedicationAdministration -> an :class:`~remit.interop.courses.Exposure`.

Each administration is one given dose; the importer groups them into courses
(:func:`remit.interop.courses.group_exposures`) and reports every
administration after a course's first as merged into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from remit.core.medications import Frequency
from remit.errors import RecordError
from remit.interop.courses import Exposure
from remit.interop.fhir.context import ReadContext
from remit.interop.fhir.drugs import drug_of
from remit.interop.fhir.elements import day_of, number
from remit.interop.fhir.medications import medication_concept_of, route_of


def read_administration(resource: Mapping[str, Any], ctx: ReadContext, where: str) -> Exposure:
    if resource.get("status") in ("not-done", "entered-in-error"):
        raise RecordError(f"status {resource['status']}: the dose was not given")
    drug = drug_of(medication_concept_of(resource, ctx))
    span = resource.get("effectivePeriod") or {}
    moment = resource.get("effectiveDateTime") or span.get("start")
    if moment is None:
        raise RecordError("no effective date")
    start = day_of(moment, "effective date")
    end = day_of(span["end"], "effective end") if span.get("end") else start
    if end < start:
        raise RecordError(f"ends ({end}) before it starts ({start})")
    dosage = resource.get("dosage") or {}
    quantity = dosage.get("dose") or dosage.get("rateQuantity")
    amount = None if quantity is None or quantity.get("value") is None else number(quantity["value"])
    unit = None if quantity is None else quantity.get("unit") or quantity.get("code")
    if amount is None or unit is None:
        ctx.notes.append("no dose with a unit: counted in the course, but no dosing step")
    continuous = dosage.get("rateQuantity") is not None
    return Exposure(
        where=where,
        key=f"admin-{resource.get('id')}",
        drug=drug,
        start=start,
        end=end,
        amount=amount,
        unit=None if unit is None else str(unit),
        frequency=Frequency.CONTINUOUS if continuous else None,
        route=route_of(dosage.get("route")),
    )
