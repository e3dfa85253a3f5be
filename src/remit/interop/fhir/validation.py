"""Checking resources against the FHIR R4B models of ``fhir.resources``.

R4B (4.3.0) is the R4-series model set fhir.resources ships; its default
models are R5, which silently mis-read R4 payloads (standards §0.1, §C), so
only ``fhir.resources.R4B`` is ever imported here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from remit.interop.errors import MalformedFileError


@functools.cache
def _model(resource_type: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except ValueError:  # not a resource type of FHIR R4B
        return None


def validate(resource: Mapping[str, Any], *, where: str, file: str | None = None) -> None:
    """Raise :class:`MalformedFileError` unless ``resource`` is valid FHIR R4(B)."""
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str):
        raise MalformedFileError("not a FHIR resource: no resourceType", file=file, field=where)
    model = _model(resource_type)
    if model is None:
        raise MalformedFileError(f"unknown FHIR resource type {resource_type!r}", file=file, field=where)
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise MalformedFileError(
            f"invalid {resource_type}: {location}: {first['msg']}{more}", file=file, field=where
        ) from exc
