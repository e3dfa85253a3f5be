"""Tidy CSVs: one table per form, one row per form instance.

What R users build REDCapTidieR for (standards §A1.3): every table has the
composite key ``record_id``, ``event``, ``instance`` (1 for a non-repeating
form); choices are remit's own values (``female``, ``anakinra``), yes/no is
``TRUE``/``FALSE``, dates ISO. A checkbox becomes its own long table
``<form>__<variable>.csv`` (key + ``value``), so no column reads 0 for a box
nobody was asked about. ``variables.csv`` describes every column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from remit.interop.exports.dataset import Dataset
from remit.interop.exports.encoding import tidy_text
from remit.interop.exports.variables import Kind

KEY = ("record_id", "event", "instance")
VARIABLES_FILE = "variables.csv"


def write_tidy(dataset: Dataset, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for form in dataset.forms:
        kept = [v for v in form.kept(dataset.deidentified) if v.name != "record_id"]
        plain = [v for v in kept if v.kind is not Kind.CHECKBOX]
        rows = dataset.of(form.name)
        path = directory / f"{form.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([*KEY, *(v.name for v in plain)])
            for row in rows:
                key = [row.record_id, row.event.value, str(row.instance or 1)]
                writer.writerow(key + [tidy_text(v, row.values.get(v.name)) for v in plain])
        written.append(path)
        for v in kept:
            if v.kind is not Kind.CHECKBOX:
                continue
            long_path = directory / f"{form.name}__{v.name}.csv"
            with long_path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow([*KEY, "value"])
                for row in rows:
                    chosen = row.values.get(v.name) or frozenset()
                    for choice in v.choices:
                        if choice.value in chosen:
                            writer.writerow([row.record_id, row.event.value, str(row.instance or 1), choice.value])
            written.append(long_path)
    path = directory / VARIABLES_FILE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("table", "variable", "label", "type", "note", "choices"))
        for form in dataset.forms:
            for v in form.kept(dataset.deidentified):
                table = f"{form.name}__{v.name}" if v.kind is Kind.CHECKBOX else form.name
                choices = "; ".join(f"{c.value}={c.label}" for c in v.choices) if v.kind is not Kind.YESNO else ""
                writer.writerow((table, v.name, v.label, v.kind.value, v.note, choices))
    written.append(path)
    return written
