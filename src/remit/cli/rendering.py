"""A patient's course as rich renderables, for ``remit show``.

Values are shown as entered - that is what the clinician can check against the
source - with the canonical value in brackets when a unit conversion happened
(``36 mg/dL (360)`` under a ``crp mg/L`` column). Every cell is a ``Text``, so
brackets in notes or units are never read as rich markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from remit.core.analytes import ANALYTES, analyte
from remit.core.conditions import CONDITIONS
from remit.core.measurements import Measurement
from remit.core.medications import Dose, MedicationCourse
from remit.core.record import (
    Attribute,
    Encounter,
    Observation,
    PatientRecord,
)

_ANALYTE_ORDER = {analyte_id: i for i, analyte_id in enumerate(ANALYTES)}


def course(record: PatientRecord, *, version: int | None = None) -> Group:
    """Everything in the record, one section per kind of fact; empty sections are left out."""
    parts: list[RenderableType] = [patient_line(record, version)]
    sections: list[tuple[str, Table | None]] = [
        ("Diagnoses", _diagnoses(record)),
        ("Encounters", _encounters(record.encounters)),
        ("Medication courses", _medications(record.medications)),
        ("Findings", _findings(record)),
        ("Episodes", _episodes(record)),
        ("Adverse events", _adverse_events(record)),
        ("Labs and measures", lab_table(record.observations)),
    ]
    for title, table in sections:
        if table is not None:
            parts.extend([Text(""), Text(title, style="bold"), table])
    if record.diary:
        first, last = record.diary[0].date, record.diary[-1].date
        parts.extend(
            [
                Text(""),
                Text(f"AIDAI diary: {len(record.diary)} day{'s' if len(record.diary) != 1 else ''}, {first} to {last}"),
            ]
        )
    return Group(*parts)


def patient_line(record: PatientRecord, version: int | None = None) -> Text:
    p = record.patient
    facts = [f"site {p.site}", p.sex.value]
    if p.birth is not None:
        facts.append(f"born {p.birth.iso()}")
    if p.ethnicity:
        facts.append(p.ethnicity)
    coverage = record.coverage()
    if coverage is not None:
        facts.append(f"follow-up {coverage[0]} to {coverage[1]}")
    if version is not None:
        facts.append(f"version {version}")
    line = Text(p.id, style="bold")
    line.append("  " + " · ".join(facts))
    for g in p.genotypes:
        line.append(f"\n{g.gene} {g.variant} ({g.zygosity.value}, {g.classification.value})")
    if p.note:
        line.append(f"\n{p.note}", style="dim")
    return line


def lab_table(observations: Iterable[Observation]) -> Table | None:
    """Rows are dates, columns analytes (canonical unit under the name)."""
    by_date: dict[date, dict[str, list[str]]] = {}
    for o in observations:
        by_date.setdefault(o.date, {}).setdefault(o.analyte, []).append(measurement_text(o.measurement))
    if not by_date:
        return None
    analytes = sorted({a for row in by_date.values() for a in row}, key=lambda a: (_ANALYTE_ORDER.get(a, 999), a))
    table = Table(show_lines=False)
    table.add_column("date", no_wrap=True)
    for analyte_id in analytes:
        unit = analyte(analyte_id).canonical_unit
        table.add_column(Text(analyte_id + ("" if unit == "1" else f"\n{unit}")), overflow="fold")
    for day in sorted(by_date):
        row = by_date[day]
        table.add_row(Text(str(day)), *(Text("; ".join(row.get(a, []))) for a in analytes))
    return table


def measurement_text(m: Measurement) -> str:
    """As entered, plus the canonical value in brackets if it was converted."""
    if m.number is None or m.ucum is None or m.ucum == m.canonical_unit:
        return m.text
    return f"{m.text} {m.unit} ({m.interval.describe()})"


def quantity_text(m: Measurement) -> str:
    """As entered with its unit, plus the canonical value and unit if converted."""
    if m.number is None or m.ucum is None or m.ucum == m.canonical_unit:
        return f"{m.text} {m.unit or ''}".strip()
    return f"{m.text} {m.unit} ({m.interval.describe()} {m.canonical_unit})"


def _table(*columns: str) -> Table:
    table = Table()
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def _cells(*values: object) -> list[Text]:
    return [Text("" if v is None else str(v)) for v in values]


def _diagnoses(record: PatientRecord) -> Table | None:
    if not record.diagnoses:
        return None
    table = _table("id", "condition", "status", "onset", "codings", "note")
    for d in record.diagnoses:
        known = CONDITIONS.get(d.condition)
        name = f"{known.name} ({d.condition})" if known else d.condition
        codings = ", ".join(f"{c.system_name} {c.code}" for c in d.codings)
        table.add_row(*_cells(d.id, name, d.status.value, d.onset, codings, d.note))
    return table


def _encounters(encounters: tuple[Encounter, ...]) -> Table | None:
    if not encounters:
        return None
    table = _table("date", "kind", "until", "month", "weight", "height", "note")
    for e in encounters:
        weight = quantity_text(e.weight) if e.weight else None
        height = quantity_text(e.height) if e.height else None
        table.add_row(*_cells(e.date, e.kind.value, e.end, e.month, weight, height, e.note))
    return table


def _medications(courses: tuple[MedicationCourse, ...]) -> Table | None:
    if not courses:
        return None
    table = _table("drug", "route", "start", "stop", "doses over time", "stopped because")
    for m in courses:
        doses = "\n".join(f"from {d.start}: {dose_text(d)}" for d in m.doses)
        stopped = m.stop_reason.value.replace("_", " ") if m.stop_reason else None
        if m.switched_to:
            stopped = f"{stopped or 'switched'} → {m.switched_to}"
        table.add_row(*_cells(m.drug, m.route.value, m.start, m.stop or "ongoing", doses, stopped))
    return table


def dose_text(d: Dose) -> str:
    text = f"{d.amount:g} {d.unit} {d.frequency.value}"
    if d.count is not None:
        text += f" × {d.count}"
    if d.text:
        text += f' ("{d.text}")'
    return text


def _details(attributes: Iterable[Attribute]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in attributes)


def _findings(record: PatientRecord) -> Table | None:
    if not record.findings:
        return None
    table = _table("finding", "present", "start", "end", "value", "details")
    for f in record.findings:
        value = quantity_text(f.value) if f.value else None
        details = "; ".join(x for x in (_details(f.attributes), f.note or "") if x)
        table.add_row(*_cells(f.kind, "yes" if f.present else "no", f.start, f.end, value, details))
    return table


def _episodes(record: PatientRecord) -> Table | None:
    if not record.episodes:
        return None
    table = _table("episode", "start", "end", "hours", "features", "details")
    for e in record.episodes:
        hours = f"{e.duration_hours:g}" if e.duration_hours is not None else None
        details = "; ".join(x for x in (_details(e.attributes), e.note or "") if x)
        table.add_row(*_cells(e.kind.value, e.start, e.end, hours, ", ".join(e.features), details))
    return table


def _adverse_events(record: PatientRecord) -> Table | None:
    if not record.adverse_events:
        return None
    table = _table("adverse event", "onset", "end", "serious", "relatedness", "outcome", "drug")
    for a in record.adverse_events:
        serious = ", ".join(sorted(c.value.replace("_", " ") for c in a.serious_criteria)) or "no"
        table.add_row(
            *_cells(a.term, a.onset, a.end, serious, a.relatedness.value, a.outcome.value.replace("_", " "), a.drug)
        )
    return table
