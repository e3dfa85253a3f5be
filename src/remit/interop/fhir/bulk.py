"""FHIR Bulk Data files: NDJSON per resource type plus a manifest (standards §B6).

Writing follows the widely deployed STU2 manifest (``transactionTime``,
``request``, ``requiresAccessToken``, ``output[]`` with ``type``/``url``/
``count``, ``error[]``); ``url`` is the file name, relative to the manifest,
since the files are on disk rather than on a server.

Reading accepts STU2 to STU4 manifests: ``error`` or its STU4 name
``outcome``, absolute or relative ``url``s (an ``http(s)`` URL is looked up
by its file name next to the manifest - nothing is ever downloaded).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from remit.core.record import PatientRecord
from remit.interop.errors import MalformedFileError
from remit.interop.fhir.reading import Located
from remit.interop.fhir.terminology import BASE
from remit.interop.fhir.writing import dumps, patient_resources
from remit.interop.subjects import ExportSubject

MANIFEST = "manifest.json"


def write_bulk(
    items: Iterable[PatientRecord | ExportSubject], directory: str | Path, *, transaction_time: datetime
) -> Path:
    """Write ``<Type>.ndjson`` files and ``manifest.json`` into ``directory``;
    return the manifest's path. ``transaction_time`` must be timezone-aware."""
    if transaction_time.tzinfo is None:
        raise ValueError("transaction_time needs a time zone (FHIR instants do)")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[str]] = {}
    for item in items:
        for resource in patient_resources(item):
            lines.setdefault(resource["resourceType"], []).append(dumps(resource, indent=None))
    output = []
    for resource_type, rows in lines.items():
        name = f"{resource_type}.ndjson"
        (out / name).write_text("".join(row + "\n" for row in rows), encoding="utf-8")
        output.append({"type": resource_type, "url": name, "count": len(rows)})
    manifest = {
        "transactionTime": transaction_time.isoformat(),
        "request": f"{BASE}/Patient/$export",
        "requiresAccessToken": False,
        "output": output,
        "error": [],
    }
    path = out / MANIFEST
    path.write_text(dumps(manifest) + "\n", encoding="utf-8")
    return path


def load_json(path: Path) -> Any:
    """JSON with decimals kept exactly (as :class:`Decimal`)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFileError(f"cannot read the file: {exc}", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise MalformedFileError(f"not JSON: {exc.msg} (line {exc.lineno})", file=str(path)) from exc


def is_manifest(data: Any) -> bool:
    return isinstance(data, Mapping) and "output" in data and "resourceType" not in data


def read_manifest(path: Path, data: Mapping[str, Any] | None = None) -> list[Located]:
    """Every resource of every output file, plus the server's OperationOutcomes."""
    manifest = load_json(path) if data is None else data
    if not is_manifest(manifest):
        raise MalformedFileError("not a Bulk Data manifest (no 'output' list)", file=str(path))
    if "transactionTime" not in manifest:
        raise MalformedFileError("the manifest has no transactionTime (required)", file=str(path))
    if not isinstance(manifest["output"], list):
        raise MalformedFileError("'output' must be a list", file=str(path), field="output")
    located: list[Located] = []
    for section in ("output", "error", "outcome"):
        for i, entry in enumerate(manifest.get(section) or ()):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("url"), str):
                raise MalformedFileError("an entry without a url", file=str(path), field=f"{section}[{i}]")
            located += read_ndjson(_local_file(path, str(entry["url"]), f"{section}[{i}]"))
    return located


def _local_file(manifest: Path, url: str, field: str) -> Path:
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https"):
        candidate = manifest.parent / Path(unquote(parsed.path)).name
    elif parsed.scheme == "file":
        candidate = Path(unquote(parsed.path))
    else:
        candidate = manifest.parent / url
    if not candidate.is_file():
        raise MalformedFileError(f"the listed file {url} is not at {candidate}", file=str(manifest), field=field)
    return candidate


def read_ndjson(path: Path) -> list[Located]:
    located: list[Located] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFileError(f"cannot read the file: {exc}", file=str(path)) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            resource = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise MalformedFileError(f"line {number} is not JSON: {exc.msg}", file=str(path)) from exc
        if not isinstance(resource, Mapping):
            raise MalformedFileError(f"line {number} is not a JSON object", file=str(path))
        located.append(Located(f"{path.name}:{number}", resource))
    return located
