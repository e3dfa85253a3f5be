"""Write a case-file mapping as readable, stable YAML text.

PyYAML's dumper sorts or reflows in ways that make generated files noisy to
review. This writer knows the shape of a case file and produces the style of
the hand-written demo files: block style for sections, one flow mapping per
line for short entries (an observation, a diary day), block style for entries
with nested lists (a medication with its dosing steps). The output is a pure
function of the input, so regenerating unchanged data gives identical bytes.

Measured values must stay text (``"13.40"``), so they are passed in as
:class:`Quoted` and always written in double quotes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_\-./]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}
_FLOW_WIDTH = 200
_ALWAYS_FLOW = frozenset({"diary"})  # one day per line, however long


class Quoted(str):
    """Text that must be written in quotes (a measured value as printed)."""

    __slots__ = ()


def render(case: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """The YAML text of ``case``, preceded by ``header`` as comment lines."""
    lines = [f"# {line}".rstrip() for line in header]
    for key, value in case.items():
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        if isinstance(value, Mapping):
            flow = _flow(value)
            if len(key) + len(flow) + 2 <= _FLOW_WIDTH:
                lines.append(f"{key}: {flow}")
            else:
                lines.append(f"{key}:")
                lines.extend(_block_mapping(value, 2))
        elif isinstance(value, list | tuple):
            lines.append(f"{key}:")
            lines.extend(_block_list(value, 2, always_flow=key in _ALWAYS_FLOW))
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _block_list(items: Sequence[Any], indent: int, *, always_flow: bool = False) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            flow = _flow(item)
            nested = any(isinstance(v, list | tuple) and v and isinstance(v[0], Mapping) for v in item.values())
            if not nested and (always_flow or indent + 2 + len(flow) <= _FLOW_WIDTH):
                out.append(f"{pad}- {flow}")
            else:
                block = _block_mapping(item, indent + 2)
                out.append(f"{pad}- {block[0].lstrip()}")
                out.extend(block[1:])
        else:
            out.append(f"{pad}- {_scalar(item)}")
    return out


def _block_mapping(mapping: Mapping[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for key, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            out.append(f"{pad}{key}: {_flow(value)}")
        elif isinstance(value, list | tuple):
            if value and isinstance(value[0], Mapping):
                out.append(f"{pad}{key}:")
                out.extend(_block_list(value, indent + 2))
            else:
                out.append(f"{pad}{key}: {_flow_list(value)}")
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")
    return out


def _flow(mapping: Mapping[str, Any]) -> str:
    parts = []
    for key, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            parts.append(f"{key}: {_flow(value)}")
        elif isinstance(value, list | tuple):
            parts.append(f"{key}: {_flow_list(value)}")
        else:
            parts.append(f"{key}: {_scalar(value)}")
    return "{" + ", ".join(parts) + "}"


def _flow_list(items: Sequence[Any]) -> str:
    return "[" + ", ".join(_flow(i) if isinstance(i, Mapping) else _scalar(i) for i in items) + "]"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Quoted):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, str):
        if _PLAIN.match(value) and value.casefold() not in _RESERVED:
            return value
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {value!r} in a case file")
