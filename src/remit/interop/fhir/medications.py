"""MedicationStatement <-> :class:`~remit.core.medications.MedicationCourse`.

A course is one MedicationStatement: ``effectivePeriod`` from start to stop,
``statusReason`` why it stopped, ``reasonCode`` the indication, and one
``dosage`` per dosing step - ``timing.repeat.boundsPeriod.start`` when the
step began, ``doseAndRate`` the amount in the unit as entered (``doseQuantity``,
or ``rateQuantity`` for a continuous infusion), the frequency as a Timing and,
exactly, in the ``dose-frequency`` extension. The course route is in every
dosage and in the ``course-route`` extension (a course may have no dosage).

MedicationRequests are read the same way from ``dosageInstruction``.
MedicationAdministrations are single doses; see :mod:`.administrations`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from remit.core.doses import dose_amount
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.units import to_ucum
from remit.errors import RecordError, RemitError, UnitError
from remit.interop.fhir.context import ReadContext, WriteContext
from remit.interop.fhir.drugs import drug_of, medication_concept
from remit.interop.fhir.elements import (
    JSON,
    annotation,
    annotation_text,
    code_in,
    codeable,
    coding,
    ext,
    extension_value,
    identifier_value,
    number,
    optional_day,
    period,
    with_extensions,
)
from remit.interop.fhir.terminology import TIMING, TIMING_FREQUENCIES, Ext, System


def statement_resource(m: MedicationCourse, ctx: WriteContext) -> JSON:
    completed = m.stop_reason in (None, StopReason.COMPLETED)
    status = "active" if m.stop is None else "completed" if completed else "stopped"
    resource: JSON = {
        "resourceType": "MedicationStatement",
        "id": ctx.rid("MedicationStatement", m.id),
        "identifier": [{"system": System.ITEM_ID, "value": m.id}],
        "status": status,
        "medicationCodeableConcept": medication_concept(m.drug),
        "subject": ctx.subject,
        "effectivePeriod": period(m.start, m.stop),
    }
    if m.stop_reason is not None:
        resource["statusReason"] = [codeable(coding(System.STOP_REASON, m.stop_reason.value))]
    if m.indication is not None:
        resource["reasonCode"] = [codeable(coding(System.CONDITION, m.indication))]
    if m.note is not None:
        resource["note"] = annotation(m.note)
    if m.doses:
        resource["dosage"] = [dosage(d, m.route, i) for i, d in enumerate(m.doses)]
    switched = None if m.switched_to is None else ext(Ext.SWITCHED_TO, valueCode=m.switched_to)
    return with_extensions(resource, [ext(Ext.COURSE_ROUTE, valueCode=m.route.value), switched])


def dosage(d: Dose, route: Route, index: int) -> JSON:
    repeat: JSON = {"boundsPeriod": {"start": d.start.isoformat()}}
    timing = TIMING[d.frequency]
    if timing is not None:
        repeat |= dict(zip(("frequency", "period", "periodUnit"), timing, strict=True))
    if d.count is not None:
        repeat["count"] = d.count
    quantity: JSON = {"value": d.amount, "unit": d.unit}
    if _is_ucum(d.unit):
        quantity |= {"system": System.UCUM, "code": d.unit}
    amount = {"rateQuantity": quantity} if d.frequency is Frequency.CONTINUOUS else {"doseQuantity": quantity}
    found: JSON = {
        "extension": [ext(Ext.DOSE_FREQUENCY, valueCode=d.frequency.value)],
        "sequence": index + 1,
    }
    if d.text is not None:
        found["text"] = d.text
    found |= {
        "timing": {"repeat": repeat},
        "route": codeable(coding(System.ROUTE, route.value)),
        "doseAndRate": [amount],
    }
    return found


def _is_ucum(unit: str) -> bool:
    try:
        return to_ucum(unit) == unit
    except UnitError:
        return False


def read_statement(resource: Mapping[str, Any], ctx: ReadContext) -> MedicationCourse:
    return _course(resource, ctx, resource.get("dosage") or (), "MedicationStatement")


def read_request(resource: Mapping[str, Any], ctx: ReadContext) -> MedicationCourse:
    return _course(resource, ctx, resource.get("dosageInstruction") or (), "MedicationRequest")


def medication_concept_of(resource: Mapping[str, Any], ctx: ReadContext) -> Mapping[str, Any] | None:
    """``medicationCodeableConcept``, or the code of the referenced Medication."""
    if resource.get("medicationCodeableConcept") is not None:
        concept: Mapping[str, Any] = resource["medicationCodeableConcept"]
        return concept
    ref = resource.get("medicationReference") or {}
    target: Mapping[str, Any] | None
    if str(ref.get("reference", "")).startswith("#"):
        wanted = str(ref["reference"])[1:]
        target = next((c for c in resource.get("contained") or () if c.get("id") == wanted), None)
    else:
        target = ctx.resolve(ref)
    if target is None:
        raise RecordError("the medication is a reference to a Medication that is not in the input")
    code: Mapping[str, Any] | None = target.get("code")
    return code


def _course(
    resource: Mapping[str, Any], ctx: ReadContext, dosages: Sequence[Mapping[str, Any]], kind: str
) -> MedicationCourse:
    drug = drug_of(medication_concept_of(resource, ctx))
    span = resource.get("effectivePeriod") or {}
    start = optional_day(span.get("start") or resource.get("effectiveDateTime"), "start")
    ordered = sorted(dosages, key=lambda d: d.get("sequence") or 0)
    starts = [optional_day(_bounds(d).get("start"), "dosage start") for d in ordered]
    if start is None:
        known = [day for day in starts if day is not None]
        start = min(known) if known else optional_day(resource.get("authoredOn"), "authoredOn")
    if start is None:
        raise RecordError(f"the {kind} has no start date (effective period, dosage bounds or authoredOn)")
    stop = optional_day(span.get("end"), "stop")
    if stop is None and kind == "MedicationRequest" and resource.get("status") in ("completed", "stopped"):
        ends = [optional_day(_bounds(d).get("end"), "dosage end") for d in ordered]
        stop = max((day for day in ends if day is not None), default=None)
    if stop is not None and stop < start:
        raise RecordError(f"the course stops ({stop}) before it starts ({start})")
    route = _route(resource, ordered, ctx)
    doses = _doses(ordered, starts, start, stop, ctx)
    stop_reason = None
    for concept in resource.get("statusReason") or ():
        code = code_in(concept, System.STOP_REASON)
        stop_reason = StopReason(code) if code in {r.value for r in StopReason} else stop_reason
    indication = None
    for concept in resource.get("reasonCode") or ():
        indication = indication or code_in(concept, System.CONDITION)
    prefix = "med" if kind == "MedicationStatement" else "request"
    return MedicationCourse(
        id=identifier_value(resource, System.ITEM_ID) or f"{prefix}-{resource.get('id')}",
        drug=drug,
        route=route,
        start=start,
        doses=doses,
        stop=stop,
        stop_reason=stop_reason,
        switched_to=extension_value(resource, Ext.SWITCHED_TO, "valueCode"),
        indication=indication,
        note=annotation_text(resource),
    )


def _bounds(d: Mapping[str, Any]) -> Mapping[str, Any]:
    bounds: Mapping[str, Any] = ((d.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") or {}
    return bounds


def route_of(concept: Mapping[str, Any] | None) -> Route | None:
    code = code_in(concept, System.ROUTE)
    return Route(code) if code in {r.value for r in Route} else None


def _route(resource: Mapping[str, Any], dosages: Sequence[Mapping[str, Any]], ctx: ReadContext) -> Route:
    code = extension_value(resource, Ext.COURSE_ROUTE, "valueCode")
    if code in {r.value for r in Route}:
        return Route(code)
    for d in dosages:
        found = route_of(d.get("route"))
        if found is not None:
            return found
    ctx.notes.append("no route remit recognises; recorded as 'other'")
    return Route.OTHER


def _doses(
    dosages: Sequence[Mapping[str, Any]], starts: list[date | None], start: date, stop: date | None, ctx: ReadContext
) -> tuple[Dose, ...]:
    doses: list[Dose] = []
    for i, (d, begins) in enumerate(zip(dosages, starts, strict=True)):
        try:
            step = read_dose(d, begins or (start if i == 0 else None))
            if step.start < start or (stop is not None and step.start > stop):
                raise RecordError(f"it starts on {step.start}, outside the course")
            if doses and step.start < doses[-1].start:
                raise RecordError("dosing steps are out of time order")
        except RemitError as exc:
            ctx.notes.append(f"dosage {i + 1} not kept: {exc.message}")
            continue
        doses.append(step)
    return tuple(doses)


def read_dose(d: Mapping[str, Any], begins: date | None) -> Dose:
    if begins is None:
        raise RecordError("no start date (timing.repeat.boundsPeriod.start)")
    rates = d.get("doseAndRate") or ()
    if not rates:
        raise RecordError("no dose (doseAndRate)")
    quantity = rates[0].get("doseQuantity") or rates[0].get("rateQuantity")
    if quantity is None or quantity.get("value") is None:
        raise RecordError("no dose quantity")
    unit = quantity.get("unit") or quantity.get("code")
    if unit is None:
        raise UnitError("the dose has no unit")
    repeat = (d.get("timing") or {}).get("repeat") or {}
    step = Dose(
        start=begins,
        amount=number(quantity["value"]),
        unit=str(unit),
        frequency=_frequency(d, repeat, continuous=rates[0].get("rateQuantity") is not None),
        text=d.get("text"),
        count=repeat.get("count"),
    )
    dose_amount(step)  # the reading dose checks and the PK model use; raises UnitError
    return step


def _frequency(d: Mapping[str, Any], repeat: Mapping[str, Any], *, continuous: bool) -> Frequency:
    code = extension_value(d, Ext.DOSE_FREQUENCY, "valueCode")
    if code in {f.value for f in Frequency}:
        return Frequency(code)
    if continuous:
        return Frequency.CONTINUOUS
    frequency, length, unit = repeat.get("frequency"), repeat.get("period"), repeat.get("periodUnit")
    if frequency is None or length is None or unit is None:
        if repeat.get("count") == 1:
            return Frequency.ONCE
        raise RecordError("no frequency (timing.repeat frequency, period and periodUnit)")
    span = number(length)
    found = TIMING_FREQUENCIES.get((int(frequency), int(span), str(unit))) if span.is_integer() else None
    if found is None:
        raise RecordError(f"a frequency of {frequency} per {length} {unit} is not one remit records")
    return found
