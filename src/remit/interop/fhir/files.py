"""Reading FHIR files: a Bundle, a Bulk Data manifest, an NDJSON file or a
directory holding a Bulk Data export."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from remit.core.record import PatientRecord
from remit.interop.errors import MalformedFileError
from remit.interop.fhir.bulk import MANIFEST, is_manifest, load_json, read_manifest, read_ndjson
from remit.interop.fhir.reading import DEFAULT_SITE, Located, check_complete, read_resources
from remit.interop.report import Imported


def bundle_entries(data: Mapping[str, Any], source: str) -> list[Located]:
    if data.get("resourceType") != "Bundle":
        raise MalformedFileError(
            f"expected a FHIR Bundle, found resourceType {data.get('resourceType')!r}", file=source
        )
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise MalformedFileError("'entry' must be a list", file=source, field="entry")
    located = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            raise MalformedFileError("an entry without a resource", file=source, field=f"entry[{i}]")
        located.append(Located(f"entry[{i}]", resource, entry.get("fullUrl")))
    return located


def read_bundle(data: Mapping[str, Any], *, source: str = "bundle", default_site: str = DEFAULT_SITE) -> Imported:
    """Records from already-decoded Bundle JSON (decimals ideally as Decimal)."""
    return read_resources(bundle_entries(data, source), default_site=default_site, file=source)


def read_fhir(path: str | Path, *, default_site: str = DEFAULT_SITE) -> Imported:
    """Records from a Bundle (``.json``), a Bulk Data manifest, an ``.ndjson``
    file, or a directory with a Bulk Data export (its ``manifest.json``, or
    else every ``*.ndjson`` in it)."""
    file = Path(path)
    source = str(path)
    if file.is_dir():
        manifest = file / MANIFEST
        if manifest.is_file():
            located = read_manifest(manifest)
        else:
            ndjson = sorted(file.glob("*.ndjson"))
            if not ndjson:
                raise MalformedFileError("no manifest.json and no .ndjson files in the directory", file=source)
            located = [item for part in ndjson for item in read_ndjson(part)]
        return read_resources(located, default_site=default_site, file=source)
    if not file.is_file():
        raise MalformedFileError("no such file or directory", file=source)
    if file.suffix.lower() == ".ndjson":
        return read_resources(read_ndjson(file), default_site=default_site, file=source)
    data = load_json(file)
    if is_manifest(data):
        return read_resources(read_manifest(file, data), default_site=default_site, file=source)
    if not isinstance(data, Mapping):
        raise MalformedFileError("expected a JSON object (a Bundle or a Bulk Data manifest)", file=source)
    return read_bundle(data, source=source, default_site=default_site)


def is_bundle_file(path: str | Path) -> bool:
    """True for a ``.json`` file whose top-level ``resourceType`` is ``Bundle``."""
    file = Path(path)
    if file.suffix.lower() != ".json" or not file.is_file():
        return False
    try:
        data = load_json(file)
    except MalformedFileError:
        return False
    return isinstance(data, Mapping) and data.get("resourceType") == "Bundle"


def load_bundle(path: str | Path) -> PatientRecord:
    """The one patient of a Bundle file, for evaluating it directly.

    Refuses a Bundle with several patients, and one in which a data-bearing
    resource could not be read (evaluating criteria on a silently incomplete
    record would mislead); ``remit import-fhir`` shows the full report.
    """
    imported = read_fhir(path)
    check_complete(imported, str(path))
    if len(imported.records) != 1:
        raise MalformedFileError(
            f"expected one patient in the Bundle, found {len(imported.records)}; "
            "import it with `remit import-fhir` and evaluate the patients by id",
            file=str(path),
        )
    return imported.records[0]
