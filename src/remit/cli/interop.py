"""Interoperability commands: FHIR and OMOP in and out, and exports for statisticians.

``remit import-fhir``, ``remit export-fhir``, ``remit import-omop``,
``remit export-omop``, and ``remit export --format redcap|tidy|spss``.

``remit export`` keeps its case-file form (``remit export PATIENT``, from
:mod:`remit.cli.exporting`) and gains ``--format``; :func:`register` replaces
that module's registration with the combined command, so it must run after it.

Every export reads the patients through :func:`remit.services.interop.export_patients`,
which logs each one as exported; imports store through
:func:`remit.services.import_records`, which logs each creation.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from remit.cli.context import console, fail, report_error, settings
from remit.cli.exporting import export as export_case_file
from remit.config import Settings
from remit.core.record import PatientRecord
from remit.interop import fhir, omop
from remit.interop.deidentify import DeidentificationKeys, deidentify
from remit.interop.exports import DatasetFormat, write_dataset
from remit.interop.fhir.writing import collection, dumps, entries
from remit.interop.report import Imported, Outcome
from remit.interop.subjects import ExportSubject, identified
from remit.services import import_records, open_session
from remit.services.interop import export_patients

T = TypeVar("T")
_SHOWN_LINES = 20

Reason = Annotated[str | None, typer.Option(help="Why the data moves; kept in the audit log.")]
Deidentify = Annotated[
    bool,
    typer.Option(
        "--deidentify/--identified",
        help="Pseudonymise ids (HMAC), shift each patient's dates by a secret 0-364 days, replace the birth date "
        "by the age at index and drop free text. Needs REMIT_DEID_KEY.",
    ),
]


class OmopFormat(enum.Enum):
    CSV = "csv"
    PARQUET = "parquet"
    DUCKDB = "duckdb"


def register(app: typer.Typer) -> None:
    commands = app.registered_commands
    replaced = next((i for i, c in enumerate(commands) if c.name == "export"), None)
    app.command("export")(export)
    if replaced is not None:  # the combined command takes the case-file command's place
        commands[replaced] = commands.pop()
    app.command("export-fhir")(export_fhir)
    app.command("import-fhir")(import_fhir)
    app.command("export-omop")(export_omop)
    app.command("import-omop")(import_omop)


# ----- shared pieces -------------------------------------------------------------


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), console=console()
    )


def _tracked(items: Sequence[T], progress: Progress, description: str) -> Iterator[T]:
    task = progress.add_task(description, total=len(items))
    for item in items:
        yield item
        progress.advance(task)


def _read_for_export(
    config: Settings,
    patient_ids: Sequence[str] | None,
    purpose: str,
    reason: str | None,
    include: Callable[[PatientRecord], bool] | None = None,
) -> tuple[PatientRecord, ...]:
    with open_session(config) as session:
        records = export_patients(
            session, patient_ids, actor=config.actor, purpose=purpose, reason=reason, include=include
        )
    if not records:
        fail("no patients stored; nothing to export")
    return records


def _subjects(records: Sequence[PatientRecord], deidentified: bool, progress: Progress) -> list[ExportSubject]:
    keys = DeidentificationKeys.from_env() if deidentified else None
    found = []
    seen: dict[str, str] = {}
    for record in _tracked(records, progress, "de-identifying" if keys else "preparing"):
        subject = deidentify(record, keys) if keys is not None else identified(record)
        other = seen.setdefault(subject.record.patient.id, record.patient.id)
        if other != record.patient.id:
            fail(f"two patients map to the pseudonym {subject.record.patient.id}; export them separately")
        found.append(subject)
    return found


def _purpose(what: str, deidentified: bool, out: Path) -> str:
    return f"{what} export ({'de-identified' if deidentified else 'identified'}) to {out}"


def _which(patient: str | None, every: bool) -> list[str] | None:
    if (patient is None) == (not every):
        fail("give either a PATIENT id or --all")
    return None if every else [patient] if patient is not None else None


def _summary(imported: Imported, out_lines: int = _SHOWN_LINES) -> None:
    out = console()
    table = Table(title="import report")
    table.add_column("resource / table")
    for outcome in Outcome:
        table.add_column(outcome.value, justify="right")
    for kind, counts in imported.report.counts().items():
        table.add_row(kind, *(str(counts[o]) for o in Outcome))
    out.print(table)
    notes = [line for line in imported.report.notes() if line.outcome is not Outcome.MERGED]
    for line in notes[:out_lines]:
        out.print(line.describe(), markup=False, soft_wrap=True)
    if len(notes) > out_lines:
        out.print(f"... and {len(notes) - out_lines} more lines (use --report FILE for all)", soft_wrap=True)


def _write_report(imported: Imported, path: Path | None) -> None:
    if path is not None:
        path.write_text("".join(line.describe() + "\n" for line in imported.report), encoding="utf-8")
        console().print(f"full report: {path}", soft_wrap=True)


def _store(config: Settings, records: Sequence[PatientRecord], reason: str) -> None:
    failures = 0
    out = console()
    with open_session(config) as session, _progress() as progress:
        for record in _tracked(records, progress, "storing"):
            result = import_records(session, [record], config.actor, reason=reason)[0]
            if not result.ok:
                report_error(f"{result.patient_id}: {result.error}")
                failures += 1
    out.print(f"stored {len(records) - failures} of {len(records)} patient(s)", soft_wrap=True)
    if failures:
        raise typer.Exit(1)


def _written(paths: Iterable[Path]) -> None:
    for path in paths:
        console().print(f"  {path}", soft_wrap=True, markup=False)


# ----- FHIR ---------------------------------------------------------------------


def export_fhir(
    ctx: typer.Context,
    *,
    patient: Annotated[str | None, typer.Argument(metavar="[PATIENT]", help="Patient id; or use --all.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every stored patient.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Bundle file (.json), or a directory with --ndjson.")] = Path(
        "remit-fhir.json"
    ),
    ndjson: Annotated[bool, typer.Option("--ndjson", help="Write a Bulk Data export (NDJSON + manifest).")] = False,
    deidentified: Annotated[
        bool, typer.Option("--deidentify/--identified", help="De-identify first (needs REMIT_DEID_KEY).")
    ] = False,
    reason: Reason = None,
) -> None:
    """Export patients as FHIR R4: a collection Bundle, or a Bulk Data export with --ndjson."""
    if deidentified:
        DeidentificationKeys.from_env()  # fail before anything is read or logged
    config = settings(ctx)
    what = "FHIR Bulk Data" if ndjson else "FHIR Bundle"
    records = _read_for_export(config, _which(patient, every), _purpose(what, deidentified, out), reason)
    with _progress() as progress:
        items = _subjects(records, deidentified, progress)
        if ndjson:
            stamp = datetime.now(UTC)
            path = fhir.write_bulk(_tracked(items, progress, "writing NDJSON"), out, transaction_time=stamp)
            count = sum(1 for _ in out.glob("*.ndjson"))
            summary = f"wrote a Bulk Data export of {len(items)} patient(s) ({count} NDJSON files) to {out}"
            written = [path]
        else:
            found = [entry for item in _tracked(items, progress, "building resources") for entry in entries(item)]
            out.write_text(dumps(collection(found)) + "\n", encoding="utf-8")
            summary = f"wrote a Bundle of {len(found)} resources for {len(items)} patient(s) to {out}"
            written = [out]
    console().print(summary, soft_wrap=True)
    _written(written)


def import_fhir(
    ctx: typer.Context,
    *,
    source: Annotated[
        Path,
        typer.Argument(metavar="FILE|DIR", help="A Bundle (.json), a Bulk Data manifest, .ndjson, or a directory."),
    ],
    site: Annotated[str, typer.Option(help="Site for patients whose resources name none.")] = fhir.DEFAULT_SITE,
    report: Annotated[Path | None, typer.Option(help="Write every report line to this file.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and report, store nothing.")] = False,
    reason: Reason = None,
) -> None:
    """Import FHIR R4 resources as new patients, with a line for every resource.

    The input is validated first; if any resource is malformed, nothing is
    stored. Resources remit cannot use are skipped with the reason.
    """
    config = settings(ctx)
    with console().status("reading and validating FHIR resources"):
        imported = fhir.read_fhir(source, default_site=site)
    _summary(imported)
    _write_report(imported, report)
    if dry_run:
        console().print(f"dry run: {len(imported.records)} patient(s) read, nothing stored", soft_wrap=True)
        return
    _store(config, imported.records, f"import-fhir {source}" + (f"; {reason}" if reason else ""))


# ----- OMOP ---------------------------------------------------------------------


def export_omop(
    ctx: typer.Context,
    *,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the CDM tables into.")],
    fmt: Annotated[OmopFormat, typer.Option("--format", help="csv, parquet, or one duckdb file.")] = OmopFormat.CSV,
    concepts: Annotated[Path | None, typer.Option(help="Concept map CSV to use instead of the shipped one.")] = None,
    verified_only: Annotated[
        bool, typer.Option("--verified-only", help="Write 0 for concept ids the map does not mark verified.")
    ] = False,
    deidentified: Annotated[
        bool, typer.Option("--deidentify/--identified", help="De-identify first (needs REMIT_DEID_KEY).")
    ] = False,
    reason: Reason = None,
) -> None:
    """Export every patient as OMOP CDM v5.4 tables (with drug eras and a concept map)."""
    if deidentified:
        DeidentificationKeys.from_env()  # fail before anything is read or logged
    config = settings(ctx)
    concept_map = omop.ConceptMap.load(concepts, verified_only=verified_only)
    left_out: list[str] = []

    def has_year_of_birth(record: PatientRecord) -> bool:
        # OMOP requires one; such patients are reported, not logged as exported
        if record.patient.birth is None:
            left_out.append(record.patient.id)
        return record.patient.birth is not None

    purpose = _purpose(f"OMOP CDM ({fmt.value})", deidentified, out)
    records = _read_for_export(config, None, purpose, reason, include=has_year_of_birth)
    with _progress() as progress:
        items = _subjects(records, deidentified, progress)
        rows = omop.omop_rows(_tracked(items, progress, "building tables"), concept_map)
    written = omop.write_tables(rows.tables, out, omop.Format(fmt.value))
    counts = ", ".join(f"{name} {len(table)}" for name, table in rows.tables.items())
    console().print(f"wrote OMOP CDM v5.4 ({fmt.value}) to {out}: {counts}", soft_wrap=True)
    for patient_id in left_out:
        report_error(f"not exported: {patient_id}: no year of birth (OMOP requires one)")
    for patient_id, why in rows.excluded:
        report_error(f"not exported: {patient_id}: {why}")
    _written(written)


def import_omop(
    ctx: typer.Context,
    *,
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="A DuckDB file, a directory of Parquet/CSV tables, or a database URL."),
    ],
    schema: Annotated[str | None, typer.Option(help="Database schema holding the CDM tables.")] = None,
    concepts: Annotated[Path | None, typer.Option(help="Concept map CSV to use instead of the shipped one.")] = None,
    site: Annotated[str, typer.Option(help="Site for persons without a care site.")] = "omop-import",
    report: Annotated[Path | None, typer.Option(help="Write every report line to this file.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and report, store nothing.")] = False,
    reason: Reason = None,
) -> None:
    """Import an OMOP CDM v5.4 as new patients, with a line for every row."""
    config = settings(ctx)
    concept_map = omop.ConceptMap.load(concepts)
    with console().status("reading the OMOP tables"):
        imported = omop.read_omop(omop.source_for(source, schema), concept_map, default_site=site)
    _summary(imported)
    _write_report(imported, report)
    if dry_run:
        console().print(f"dry run: {len(imported.records)} patient(s) read, nothing stored", soft_wrap=True)
        return
    _store(config, imported.records, "import-omop" + (f"; {reason}" if reason else ""))


# ----- statistician exports -------------------------------------------------------


def export(
    ctx: typer.Context,
    *,
    patient: Annotated[
        str | None, typer.Argument(metavar="[PATIENT]", help="Patient id; required without --format.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Case file (.yaml/.json) for one patient, or a directory with --format."),
    ] = None,
    fmt: Annotated[
        DatasetFormat | None,
        typer.Option("--format", help="redcap, tidy or spss: export every patient (or PATIENT) for statisticians."),
    ] = None,
    deidentified: Deidentify = True,
    reason: Reason = None,
) -> None:
    """Export a patient as a case file, or patients for statisticians with --format.

    `remit export PATIENT [--out FILE]` writes a case file that `remit import`
    reads back unchanged. `remit export --format redcap|tidy|spss --out DIR`
    writes a REDCap CSV + data dictionary, tidy per-form CSVs or SPSS files,
    de-identified unless --identified is given. Both are recorded in the
    audit log.
    """
    if fmt is None:
        if patient is None:
            fail("give a PATIENT to export as a case file, or --format redcap|tidy|spss")
        export_case_file(ctx, patient, out, reason)
        return
    if out is None:
        fail("--format needs --out DIR")
    if deidentified:
        DeidentificationKeys.from_env()  # fail before anything is read or logged
    config = settings(ctx)
    ids = [patient] if patient is not None else None
    records = _read_for_export(config, ids, _purpose(f"{fmt.value} dataset", deidentified, out), reason)
    with _progress() as progress:
        items = _subjects(records, deidentified, progress)
    written = write_dataset(items, fmt, out, at=datetime.now(UTC))
    state = "de-identified" if deidentified else "IDENTIFIED"
    console().print(f"wrote a {state} {fmt.value} export of {len(items)} patient(s) to {out}:", soft_wrap=True)
    _written(written)
