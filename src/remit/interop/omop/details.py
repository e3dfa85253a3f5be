"""Typed values of ``remit_source_detail``: what no CDM column carries.

A detail row is ``(table_name, row_id, position, name, value_type, value)``:
one fact about one CDM row, in remit's terms. Values are text with their
type beside them, as the registry's own attribute tables store them (see
``docs/data-model.md``): a number is written with ``repr`` so it comes back
with every digit, a boolean as ``true``/``false``, a date in ISO form, and a
structured value (codings, a reference range) as JSON. ``none`` records that
a field was empty where the CDM column had to be filled (a diagnosis without
an onset still needs a ``condition_start_date``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from remit.errors import RecordError

Value = str | int | float | bool | date | list[Any] | None
TYPES = ("text", "integer", "number", "boolean", "date", "json", "none")


def encode(value: Value) -> tuple[str, str | None]:
    """``(value_type, value)`` for one detail."""
    if value is None:
        return "none", None
    if isinstance(value, bool):  # before int: bool is an int
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        return "integer", str(value)
    if isinstance(value, float):
        return "number", repr(value)
    if isinstance(value, date):
        return "date", value.isoformat()
    if isinstance(value, str):
        return "text", value
    return "json", json.dumps(value, ensure_ascii=False)


def decode(value_type: str, text: str | None) -> Value:
    """The value :func:`encode` wrote; a type it never writes is refused."""
    if value_type == "none":
        return None
    if text is None:
        raise RecordError(f"a {value_type} detail without a value")
    match value_type:
        case "text":
            return text
        case "integer":
            return int(text)
        case "number":
            return float(text)
        case "boolean":
            if text not in ("true", "false"):
                raise RecordError(f"a boolean detail must be true or false, not {text!r}")
            return text == "true"
        case "date":
            return date.fromisoformat(text)
        case "json":
            found: list[Any] = json.loads(text)
            return found
    raise RecordError(f"unknown detail type {value_type!r}; one of {', '.join(TYPES)}")
