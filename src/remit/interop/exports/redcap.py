"""REDCap-compatible flat CSV, its data dictionary and the instrument-event mapping.

The CSV has the shape REDCap itself exports (standards §A1.2, §D4): one row
per record x event (x repeat instrument and instance), ``record_id`` first,
then ``redcap_event_name``, ``redcap_repeat_instrument``,
``redcap_repeat_instance`` and ``redcap_data_access_group``; raw choice codes;
checkboxes as ``field___code`` 0/1 (on the rows of their form only, so an
unasked box is blank, not 0); ``<form>_complete`` = 2 on rows holding that
form; ISO dates; UTF-8 with a byte-order mark for Excel.

Event names are REDCap's unique names for events called baseline, month 3,
month 12 and unscheduled in arm 1 (``baseline_arm_1`` ...).
``instrument_event_mapping.csv`` (``arm_num``, ``unique_event_name``, ``form``)
says which forms each event holds, for REDCap's instrument-event upload
[column names UNVERIFIED against a REDCap instance].

The data dictionary has REDCap's 18 columns, named exactly as §A1.1 lists them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from remit.interop.exports.dataset import Dataset, Event, FormRow
from remit.interop.exports.encoding import redcap_text
from remit.interop.exports.forms import Form
from remit.interop.exports.variables import Kind, Variable

DICTIONARY_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
KEY_COLUMNS = (
    "record_id",
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
    "redcap_data_access_group",
)
ARM = "arm_1"
EVENT_FORMS = {
    Event.BASELINE: (
        "demographics",
        "genotype",
        "diagnosis",
        "visit",
        "laboratory",
        "finding",
        "medication",
        "dose",
        "episode",
        "adverse_event",
        "diary",
    ),
    Event.MONTH_3: ("visit", "laboratory", "finding"),
    Event.MONTH_12: ("visit", "laboratory", "finding"),
    Event.UNSCHEDULED: ("visit", "laboratory", "finding"),
}
DATA_FILE = "redcap_data.csv"
DICTIONARY_FILE = "redcap_data_dictionary.csv"
MAPPING_FILE = "instrument_event_mapping.csv"
_FIELD_TYPE = {
    Kind.TEXT: "text",
    Kind.NOTES: "notes",
    Kind.INTEGER: "text",
    Kind.NUMBER: "text",
    Kind.DATE: "text",
    Kind.TIME: "text",
    Kind.CATEGORY: "dropdown",
    Kind.YESNO: "yesno",
    Kind.CHECKBOX: "checkbox",
}
_VALIDATION = {Kind.INTEGER: "integer", Kind.NUMBER: "number", Kind.DATE: "date_ymd"}


def event_name(event: Event) -> str:
    return f"{event.value}_{ARM}"


def data_access_group(site: str) -> str:
    """REDCap-style unique group name: lower case, letters, digits and underscores."""
    return re.sub(r"[^a-z0-9]+", "_", site.casefold()).strip("_")


def columns(dataset: Dataset) -> list[str]:
    found = list(KEY_COLUMNS)
    for form in dataset.forms:
        for v in form.kept(dataset.deidentified):
            if v.name == "record_id":
                continue
            if v.kind is Kind.CHECKBOX:
                found += [f"{v.name}___{c.code}" for c in v.choices]
            else:
                found.append(v.name)
        found.append(f"{form.name}_complete")
    return found


def _lines(dataset: Dataset) -> Iterator[list[FormRow]]:
    """Groups of form rows that make one CSV line, in REDCap's order."""
    order = {form.name: i for i, form in enumerate(dataset.forms)}
    by_record: dict[str, list[FormRow]] = {}
    for row in dataset.rows:
        by_record.setdefault(row.record_id, []).append(row)
    events = list(Event)
    for rows in by_record.values():
        for event in events:
            here = [r for r in rows if r.event is event]
            plain = [r for r in here if r.instance is None]
            if plain:
                yield plain
            repeated = sorted((r for r in here if r.instance is not None), key=lambda r: (order[r.form], r.instance))
            for row in repeated:
                yield [row]


def write_redcap(dataset: Dataset, directory: Path) -> list[Path]:
    """Write the data CSV, the data dictionary and the instrument-event mapping."""
    directory.mkdir(parents=True, exist_ok=True)
    forms = {form.name: form for form in dataset.forms}
    header = columns(dataset)
    data = directory / DATA_FILE
    with data.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for group in _lines(dataset):
            writer.writerow(_line(group, forms, header, dataset.deidentified))
    dictionary = directory / DICTIONARY_FILE
    with dictionary.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DICTIONARY_COLUMNS)
        for form in dataset.forms:
            for v in form.kept(dataset.deidentified):
                writer.writerow(_dictionary_row(form, v, dataset.deidentified))
    mapping = directory / MAPPING_FILE
    with mapping.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("arm_num", "unique_event_name", "form"))
        for event, names in EVENT_FORMS.items():
            for name in names:
                writer.writerow((1, event_name(event), name))
    return [data, dictionary, mapping]


def _line(group: list[FormRow], forms: dict[str, Form], header: list[str], deidentified: bool) -> list[str]:
    first = group[0]
    cells = {
        "record_id": first.record_id,
        "redcap_event_name": event_name(first.event),
        "redcap_repeat_instrument": first.form if first.instance is not None else "",
        "redcap_repeat_instance": str(first.instance) if first.instance is not None else "",
        "redcap_data_access_group": data_access_group(first.site),
    }
    for row in group:
        form = forms[row.form]
        for v in form.kept(deidentified):
            if v.name == "record_id":
                continue
            value = row.values.get(v.name)
            if v.kind is Kind.CHECKBOX:
                chosen = value or frozenset()
                cells |= {f"{v.name}___{c.code}": "1" if c.value in chosen else "0" for c in v.choices}
            else:
                cells[v.name] = redcap_text(v, value)
        cells[f"{form.name}_complete"] = "2"
    return [cells.get(column, "") for column in header]


def _dictionary_row(form: Form, v: Variable, deidentified: bool) -> list[str]:
    choices = ""
    if v.kind in (Kind.CATEGORY, Kind.CHECKBOX):
        choices = " | ".join(f"{c.code}, {c.label}" for c in v.choices)
    label = v.label + (" - shifted for de-identification" if deidentified and v.kind is Kind.DATE else "")
    note = v.note or ("HH:MM:SS" if v.kind is Kind.TIME else "")
    cells = {
        "Variable / Field Name": v.name,
        "Form Name": form.name,
        "Field Type": _FIELD_TYPE[v.kind],
        "Field Label": label,
        "Choices, Calculations, OR Slider Labels": choices,
        "Field Note": note,
        "Text Validation Type OR Show Slider Number": _VALIDATION.get(v.kind, ""),
        "Identifier?": "y" if v.identifier else "",
        "Field Annotation": "exported by remit",
    }
    return [cells.get(column, "") for column in DICTIONARY_COLUMNS]
