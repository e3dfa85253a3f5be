"""Case files: one patient's whole course as a human-writable YAML or JSON file.

A clinician types a case file from a case report; :func:`load` and :func:`parse`
turn it into a :class:`~remit.core.record.PatientRecord` (checking units,
plausibility and ids, and naming the file and field of any problem), and
:func:`dump` and :func:`write` turn a record back into the same format without
loss. The format is described in ``docs/case-files.md``; its JSON Schema is
:func:`remit.casefiles.schema.json_schema`.

The four functions are imported on first use (PEP 562) rather than here, so
that ``python -m remit.casefiles.schema`` (which prints the JSON Schema) runs
without the package having imported the schema module first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from remit.casefiles.reading import load, parse
    from remit.casefiles.writing import dump, write

__all__ = ["dump", "load", "parse", "write"]

_HOMES = {"load": "reading", "parse": "reading", "dump": "writing", "write": "writing"}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
