"""Collecting CDM rows: every table's rows, the side tables that point them
back at remit, and free text as NOTE rows.

The writers (:mod:`.writing`, :mod:`.writing_events`) add rows through one
:class:`Emitter`, so ids, keys, details and notes are numbered one way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from remit.interop.omop.concepts import REGISTRY_TYPE, ConceptMap
from remit.interop.omop.details import Value, encode
from remit.interop.omop.tables import TABLES

Row = dict[str, Any]


@dataclass
class OmopRows:
    """Rows per table (every column present), and patients left out with why."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in TABLES})
    excluded: list[tuple[str, str]] = field(default_factory=list)

    def add(self, table: str, row: Row) -> int:
        rows = self.tables[table]
        row_id = len(rows) + 1
        rows.append({column.name: None for column in TABLES[table]} | {TABLES[table][0].name: row_id} | row)
        return row_id


class Emitter:
    """Adds rows to :class:`OmopRows`, with their key, details and notes."""

    def __init__(self, concepts: ConceptMap) -> None:
        self.concepts = concepts
        self.out = OmopRows()
        self.registry = concepts.concept_id("type", REGISTRY_TYPE)

    def key(
        self,
        table: str,
        row_id: int,
        person_id: int,
        remit_id: str,
        *,
        role: str | None = None,
        end: date | None = None,
    ) -> None:
        self.out.add(
            "remit_source_key",
            {
                "table_name": table,
                "row_id": row_id,
                "person_id": person_id,
                "remit_id": remit_id,
                "role": role,
                "end_date": end,
            },
        )

    def detail(self, table: str, row_id: int, name: str, value: Value) -> None:
        """One fact about a row that no CDM column carries (see :mod:`.details`)."""
        value_type, text = encode(value)
        position = len(self.out.tables["remit_source_detail"]) + 1
        self.out.add(
            "remit_source_detail",
            {
                "table_name": table,
                "row_id": row_id,
                "position": position,
                "name": name,
                "value_type": value_type,
                "value": text,
            },
        )

    def note(
        self,
        person_id: int,
        owner: tuple[str, int, str],
        field_name: str,
        text: str | None,
        day: date,
        *,
        visit_id: int | None = None,
    ) -> None:
        """Free text as a NOTE row pointing at the row it belongs to.

        ``owner`` is ``(table, row id, remit id)``. ``note_event_id`` holds the
        row id; which table it is in (``note_event_field_concept_id`` in the CDM,
        a concept the reference does not list, so 0) and which remit field the
        text is are in ``remit_source_key.role`` as ``table:field``.
        """
        if text is None:
            return
        table, row_id, remit_id = owner
        note_id = self.out.add(
            "note",
            {
                "person_id": person_id,
                "note_date": day,
                "note_type_concept_id": self.registry,
                "note_class_concept_id": 0,
                "note_title": field_name,
                "note_text": text,
                "encoding_concept_id": 0,
                "language_concept_id": 0,
                "visit_occurrence_id": visit_id,
                "note_source_value": f"{table}.{field_name}",
                "note_event_id": row_id,
                "note_event_field_concept_id": 0,
            },
        )
        self.key("note", note_id, person_id, remit_id, role=f"{table}:{field_name}")
