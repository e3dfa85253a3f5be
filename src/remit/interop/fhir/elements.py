"""Small FHIR building blocks shared by the resource mappings: ids and
references, identifiers, extensions, codings, dates and typed values.

Resources are built and read as plain JSON-compatible dicts. Writers check
them against the ``fhir.resources.R4B`` models (see :mod:`.validation`);
readers get dicts whose decimals were parsed as :class:`~decimal.Decimal`,
so ``3.0`` and ``3`` stay distinguishable and no digit is lost.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

from remit.core.codes import Coding
from remit.core.record import Attribute
from remit.errors import RecordError
from remit.interop.fhir.terminology import BASE, Ext, System

JSON = dict[str, Any]
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
INT32 = (-(2**31), 2**31 - 1)


# ----- ids, references and identifiers ---------------------------------------


def resource_id(patient_id: str, resource_type: str, key: str = "") -> str:
    """A stable FHIR id (a UUID, so any remit id fits the FHIR id syntax)
    unique to the patient, the resource type and the item."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join((patient_id, resource_type, key))))


def reference(resource_type: str, rid: str) -> JSON:
    return {"reference": f"{resource_type}/{rid}"}


def full_url(resource_type: str, rid: str) -> str:
    """RESTful under the documented base, so relative references resolve inside a Bundle."""
    return f"{BASE}/{resource_type}/{rid}"


def item_identifier(item_id: str) -> list[JSON]:
    return [{"system": System.ITEM_ID, "value": item_id}]


def identifier_value(resource: Mapping[str, Any], system: str) -> str | None:
    for ident in resource.get("identifier") or ():
        if ident.get("system") == system and isinstance(ident.get("value"), str):
            return str(ident["value"])
    return None


# ----- extensions ------------------------------------------------------------


# FHIR's ``string`` must contain a non-whitespace character or plain spaces,
# tabs and newlines; a text of other Unicode white space alone (a lone
# no-break space) is not a valid ``string`` but is a valid ``markdown``.
_FHIR_STRING = re.compile(r"[ \r\n\t\S]+")


def ext(url: str, **value: Any) -> JSON:
    """An extension; a ``valueString`` FHIR's string type cannot hold travels
    as ``valueMarkdown`` instead (read back by :func:`extension_value`)."""
    text = value.get("valueString")
    if isinstance(text, str) and not _FHIR_STRING.fullmatch(text):
        value = {k: v for k, v in value.items() if k != "valueString"} | {"valueMarkdown": text}
    return {"url": url, **value}


def extensions(element: Mapping[str, Any], url: str) -> list[Mapping[str, Any]]:
    return [e for e in element.get("extension") or () if e.get("url") == url]


def extension(element: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    found = extensions(element, url)
    return found[0] if found else None


def extension_value(element: Mapping[str, Any], url: str, key: str) -> Any:
    found = extension(element, url)
    if found is None:
        return None
    if key == "valueString" and key not in found:
        return found.get("valueMarkdown")
    return found.get(key)


def with_extensions(resource: JSON, items: Iterable[JSON | None]) -> JSON:
    kept = [item for item in items if item is not None]
    if kept:
        resource["extension"] = kept
    return resource


def note_extension(note: str | None) -> JSON | None:
    return None if note is None else ext(Ext.NOTE, valueString=note)


def annotation(note: str | None) -> list[JSON] | None:
    return None if note is None else [{"text": note}]


def annotation_text(resource: Mapping[str, Any]) -> str | None:
    notes = resource.get("note") or ()
    texts = [n["text"] for n in notes if isinstance(n.get("text"), str)]
    return "\n".join(texts) if texts else None


# ----- codings ---------------------------------------------------------------


def coding(system: str, code: str, display: str | None = None) -> JSON:
    found: JSON = {"system": system, "code": code}
    if display is not None:
        found["display"] = display
    return found


def coding_of(c: Coding) -> JSON:
    return coding(c.system, c.code, c.display)


def codeable(*codings: JSON, text: str | None = None) -> JSON:
    concept: JSON = {"coding": list(codings)}
    if text is not None:
        concept["text"] = text
    return concept


def codings_in(concept: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not concept:
        return []
    return [c for c in concept.get("coding") or () if isinstance(c.get("code"), str)]


def code_in(concept: Mapping[str, Any] | None, system: str) -> str | None:
    for c in codings_in(concept):
        if c.get("system") == system:
            return str(c["code"])
    return None


def remit_coding(c: Mapping[str, Any]) -> Coding:
    return Coding(str(c.get("system") or ""), str(c["code"]), c.get("display"))


# ----- dates and times -------------------------------------------------------


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def day_of(value: Any, what: str) -> date:
    """A calendar day from a FHIR date or dateTime (the date as written,
    whatever the zone). Raises :class:`RecordError` for a partial date."""
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) < 10:
        raise RecordError(f"{what} {text!r} is not precise to the day")
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise RecordError(f"{what} {text!r} is not a date") from exc


def optional_day(value: Any, what: str) -> date | None:
    return None if value is None else day_of(value, what)


def time_of(value: Any) -> time | None:
    """The local time written in a dateTime (``2020-01-02T08:30:00+01:00`` -> 08:30)."""
    text = str(value)
    if len(text) <= 10 or "T" not in text:
        return None
    clock = text.split("T", 1)[1]
    for marker in ("Z", "+", "-"):
        clock = clock.split(marker, 1)[0]
    return time.fromisoformat(clock)


def period(start: date | None, end: date | None) -> JSON:
    found: JSON = {}
    if start is not None:
        found["start"] = start.isoformat()
    if end is not None:
        found["end"] = end.isoformat()
    return found


# ----- typed values ----------------------------------------------------------


def number(value: Any) -> float:
    """A FHIR decimal (parsed as Decimal or int) as a float, exactly as written."""
    return float(value) if isinstance(value, Decimal | int | float) else float(str(value))


def attribute_extensions(attributes: Sequence[Attribute]) -> list[JSON]:
    """``(name, value)`` pairs; the value's Python type survives the round trip
    (bool, int, float and str map to distinct FHIR types)."""
    return [
        ext(Ext.ATTRIBUTE, extension=[ext("name", valueString=name), ext("value", **typed_value(value))])
        for name, value in attributes
    ]


def typed_value(value: str | int | float | bool) -> JSON:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value} if INT32[0] <= value <= INT32[1] else {"valueDecimal": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": value}


def attributes_of(element: Mapping[str, Any]) -> tuple[Attribute, ...]:
    found: list[Attribute] = []
    for item in extensions(element, Ext.ATTRIBUTE):
        name = extension_value(item, "name", "valueString")
        part = extension(item, "value")
        if not isinstance(name, str) or part is None:
            raise RecordError("an attribute extension needs a name and a value")
        found.append((name, plain_value(part)))
    return tuple(found)


def plain_value(part: Mapping[str, Any]) -> str | int | float | bool:
    if "valueBoolean" in part:
        return bool(part["valueBoolean"])
    if "valueInteger" in part:
        return int(part["valueInteger"])
    if "valueDecimal" in part:
        raw = part["valueDecimal"]
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else number(raw)
    if "valueString" in part:
        return str(part["valueString"])
    if "valueMarkdown" in part:
        return str(part["valueMarkdown"])
    if "valueCode" in part:
        return str(part["valueCode"])
    raise RecordError(f"unsupported attribute value type: {', '.join(k for k in part if k.startswith('value'))}")
