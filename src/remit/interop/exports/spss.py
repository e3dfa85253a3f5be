"""SPSS ``.sav`` files through pyreadstat: one file per form, as in the tidy export.

Every variable has its label; choices and yes/no are numeric codes with value
labels (the REDCap codes); checkboxes are ``name___code`` 0/1 columns. Display
formats are set explicitly, because pyreadstat would show every number as
``F8.2`` (standards §C): codes and integers ``F8.0``, other numbers with as
many decimals as the data have (at most 6), dates ``DATE11``. Measurement
levels are nominal for codes and text, scale for numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from remit.interop.exports.dataset import Dataset
from remit.interop.exports.variables import Kind, Variable

MAX_DECIMALS = 6


def write_spss(dataset: Dataset, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for form in dataset.forms:
        kept = [v for v in form.kept(dataset.deidentified) if v.name != "record_id"]
        rows = dataset.of(form.name)
        columns: dict[str, list[Any]] = {
            "record_id": [r.record_id for r in rows],
            "event": [r.event.value for r in rows],
            "instance": [float(r.instance or 1) for r in rows],
        }
        meta = _Meta(
            labels={"record_id": "Record ID", "event": "Event", "instance": "Instance of the form in the event"},
            formats={"instance": "F8.0"},
            measures={"record_id": "nominal", "event": "nominal", "instance": "scale"},
        )
        for v in kept:
            _add(v, [r.values.get(v.name) for r in rows], columns, meta)
        path = directory / f"{form.name}.sav"
        pyreadstat.write_sav(
            pd.DataFrame(columns),
            str(path),
            column_labels=meta.labels,
            variable_value_labels=meta.value_labels,
            variable_format=meta.formats,
            variable_measure=meta.measures,
        )
        written.append(path)
    return written


@dataclass
class _Meta:
    """Variable labels, value labels, display formats and measurement levels of one file."""

    labels: dict[str, str | None]
    formats: dict[str, str]
    measures: dict[str, str]
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)


def _add(v: Variable, values: list[Any], columns: dict[str, list[Any]], meta: _Meta) -> None:
    labels, value_labels, formats, measures = meta.labels, meta.value_labels, meta.formats, meta.measures
    if v.kind is Kind.CHECKBOX:
        for choice in v.choices:
            name = f"{v.name}___{choice.code}"
            columns[name] = [float(choice.value in (value or ())) for value in values]
            labels[name] = f"{v.label}: {choice.label}"
            value_labels[name] = {1.0: "Yes", 0.0: "No"}
            formats[name], measures[name] = "F1.0", "nominal"
        return
    labels[v.name] = v.label
    if v.kind in (Kind.CATEGORY, Kind.YESNO):
        columns[v.name] = [None if x is None else float(v.code(_choice_value(v, x))) for x in values]
        value_labels[v.name] = {float(c.code): c.label for c in v.choices}
        formats[v.name], measures[v.name] = "F8.0", "nominal"
    elif v.kind in (Kind.INTEGER, Kind.NUMBER):
        columns[v.name] = [None if x is None else float(x) for x in values]
        display = "F8.0" if v.kind is Kind.INTEGER else f"F12.{_decimals(values)}"
        formats[v.name], measures[v.name] = display, "scale"
    elif v.kind is Kind.DATE:
        columns[v.name] = values
        formats[v.name], measures[v.name] = "DATE11", "scale"
    else:
        columns[v.name] = [None if x is None else str(x) for x in values]
        measures[v.name] = "nominal"


def _choice_value(v: Variable, value: Any) -> str:
    if v.kind is Kind.YESNO:
        return "yes" if value else "no"
    return str(value)


def _decimals(values: list[Any]) -> int:
    found = 0
    for x in values:
        if isinstance(x, float) and not x.is_integer():
            exponent = Decimal(repr(x)).as_tuple().exponent
            found = max(found, -exponent if isinstance(exponent, int) else 0)
    return min(found, MAX_DECIMALS)
