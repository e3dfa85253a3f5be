"""Canonical JSON of a definition and its content hash (provenance).

The hash changes when any operator, threshold, window or text of a definition
changes, so a stored or reported result can name exactly which definition
produced it (``instrument id + version + content hash``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from typing import Any

from remit.rules import ast


def to_data(value: Any) -> Any:
    """A JSON-compatible structure with a ``type`` key on every dataclass."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            data[f.name] = to_data(getattr(value, f.name))
        return data
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_json(definition: ast.Criterion) -> str:
    return json.dumps(to_data(definition), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@functools.cache
def content_hash(definition: ast.Criterion) -> str:
    """``sha256:<hex>`` of the canonical JSON."""
    digest = hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"
