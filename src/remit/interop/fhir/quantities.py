"""A :class:`~remit.core.measurements.Measurement` as the value elements of an
Observation (or of an Observation component), and back.

Written:

* a number as ``valueQuantity`` in the analyte's canonical UCUM unit; a
  censored one (``>2000``) with ``comparator`` and its bound;
* a category (``low``, ``positive``) as ``valueCodeableConcept`` in remit's
  qualitative-result code system plus the HL7 ``interpretation`` code;
* the reference range in the canonical unit, with its source in an extension;
* the value and unit exactly as entered in the ``value-as-entered`` extension.

Read back, the as-entered text goes through :func:`~remit.core.measurements.measure`
again - the one place units and plausibility are checked - so the round trip
is lossless. Resources from elsewhere have no such extension; their
``valueQuantity`` (or category, or string) is read as if it had been typed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from remit.core.analytes import analyte
from remit.core.intervals import Op
from remit.core.measurements import Measurement, ReferenceRange, measure, reference_range
from remit.errors import RecordError, UnitError
from remit.interop.fhir.elements import JSON, code_in, ext, extension, extension_value, number
from remit.interop.fhir.terminology import (
    COMPARATOR_OPS,
    COMPARATORS,
    INTERPRETATION_WORDS,
    INTERPRETATIONS,
    Ext,
    System,
)


def value_elements(m: Measurement) -> JSON:
    """``value[x]``, ``interpretation``, ``referenceRange`` and the as-entered extension."""
    elements: JSON = {}
    unit = m.canonical_unit
    if m.number is not None:
        quantity: JSON = {"value": _bound(m), "unit": unit, "system": System.UCUM, "code": unit}
        if m.comparator is not None:
            quantity = {"comparator": COMPARATORS[m.comparator], **quantity}
        elements["valueQuantity"] = quantity
    elif m.qualitative is not None:
        code, display = INTERPRETATIONS[m.qualitative]
        elements["valueCodeableConcept"] = {
            "coding": [{"system": System.QUALITATIVE, "code": m.qualitative.value}],
            "text": m.text,
        }
        elements["interpretation"] = [{"coding": [{"system": System.INTERPRETATION, "code": code, "display": display}]}]
    if m.reference is not None:
        elements["referenceRange"] = [_reference_range(m.reference, unit)]
    entered = [ext("text", valueString=m.text)]
    if m.unit is not None:
        entered.append(ext("unit", valueString=m.unit))
    elements["extension"] = [ext(Ext.VALUE_AS_ENTERED, extension=entered)]
    return elements


def _bound(m: Measurement) -> float:
    interval = m.interval
    if m.comparator in (Op.LT, Op.LE):
        return interval.high
    return interval.low


def _reference_range(reference: ReferenceRange, unit: str) -> JSON:
    found: JSON = {"extension": [ext(Ext.REFERENCE_RANGE_SOURCE, valueString=reference.source)]}
    for name, value in (("low", reference.low), ("high", reference.high)):
        if value is not None:
            found[name] = {"value": value, "unit": unit, "system": System.UCUM, "code": unit}
    if reference.low is None and reference.high is None:
        found["text"] = "no limits given"
    return found


def read_measurement(analyte_id: str, element: Mapping[str, Any]) -> tuple[Measurement, list[str]]:
    """The measurement an Observation (or component) carries, and notes about
    anything of it that could not be used. Raises a :class:`~remit.errors.RemitError`
    when the value itself cannot be read."""
    notes: list[str] = []
    reference = _read_reference(analyte_id, element, notes)
    entered = extension(element, Ext.VALUE_AS_ENTERED)
    if entered is not None:
        text = extension_value(entered, "text", "valueString")
        if not isinstance(text, str):
            raise RecordError("the value-as-entered extension has no text")
        unit = extension_value(entered, "unit", "valueString")
        return measure(analyte_id, text, unit, reference=reference), notes
    text, unit = _as_typed(analyte_id, element)
    return measure(analyte_id, text, unit, reference=reference), notes


def _as_typed(analyte_id: str, element: Mapping[str, Any]) -> tuple[str, str | None]:
    """What a user would have typed for a value sent by another system."""
    quantity = element.get("valueQuantity")
    if quantity is not None:
        if quantity.get("value") is None:
            raise RecordError("valueQuantity has no value")
        comparator = quantity.get("comparator") or ""
        if comparator and comparator not in COMPARATOR_OPS:
            raise RecordError(f"unknown comparator {comparator!r}")
        unit = quantity.get("code") if quantity.get("system") == System.UCUM else None
        return f"{comparator}{quantity['value']}", unit or quantity.get("unit")
    concept = element.get("valueCodeableConcept")
    word = code_in(concept, System.QUALITATIVE)
    if word is None:
        word = _interpretation_word(concept) or _interpretation_word_of(element)
    if word is None and concept is not None and isinstance(concept.get("text"), str):
        word = concept["text"]
    if word is not None:
        return word, None
    for key in ("valueString", "valueInteger"):
        if element.get(key) is not None:
            return str(element[key]), None
    if element.get("dataAbsentReason") is not None:
        raise RecordError("no value (dataAbsentReason)")
    raise RecordError(f"no value remit can read for {analyte(analyte_id).name}")


def _interpretation_word(concept: Mapping[str, Any] | None) -> str | None:
    code = code_in(concept, System.INTERPRETATION)
    return INTERPRETATION_WORDS.get(code) if code is not None else None


def _interpretation_word_of(element: Mapping[str, Any]) -> str | None:
    for concept in element.get("interpretation") or ():
        word = _interpretation_word(concept)
        if word is not None:
            return word
    return None


def _read_reference(analyte_id: str, element: Mapping[str, Any], notes: list[str]) -> ReferenceRange | None:
    ranges = element.get("referenceRange") or ()
    if not ranges:
        return None
    chosen = ranges[0]
    if len(ranges) > 1:
        notes.append(f"{len(ranges) - 1} further reference range(s) not kept (remit keeps one)")
    source = extension_value(chosen, Ext.REFERENCE_RANGE_SOURCE, "valueString") or "laboratory"
    try:
        low = _limit(analyte_id, chosen.get("low"))
        high = _limit(analyte_id, chosen.get("high"))
    except UnitError as exc:
        notes.append(f"reference range not kept: {exc.message}")
        return None
    if low is None and high is None and chosen.get("text") != "no limits given":
        notes.append("reference range not kept: it has no numeric limits")
        return None
    return ReferenceRange(low, high, str(source))


def _limit(analyte_id: str, quantity: Mapping[str, Any] | None) -> float | None:
    if quantity is None or quantity.get("value") is None:
        return None
    value = number(quantity["value"])
    spec = analyte(analyte_id)
    unit = quantity.get("code") if quantity.get("system") == System.UCUM else quantity.get("unit")
    if unit is None or unit == spec.canonical_unit:
        return value
    converted = reference_range(analyte_id, value, None, str(unit)).low
    if converted is None or not math.isfinite(converted):
        raise UnitError(f"cannot convert the limit {value:g} {unit}")
    return converted
