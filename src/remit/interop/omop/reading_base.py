"""What every OMOP table reader shares: the rows gathered per person, the
side tables (``remit_source_key``, ``remit_source_detail``), free text from
NOTE, and the one-line-per-row report.

NOTE rows are indexed before any other table is read, so each handler picks
up the free text of the row it reads (``note_event_id`` + the key's
``table:field`` role). A note nothing picked up - written by another system,
or belonging to a row that was skipped - gets its own ``skipped`` line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from remit.core.record import (
    AdverseEvent,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    Finding,
    Genotype,
    Observation,
    Patient,
    PatientRecord,
)
from remit.errors import RecordError, RemitError, UnknownCodeError
from remit.interop.courses import Exposure
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.details import Value, decode
from remit.interop.omop.storage import Rows
from remit.interop.omop.tables import TABLES
from remit.interop.report import ImportReport

REPORTED = "\x00reported"  # a handler's answer when it wrote the report line itself
Row = dict[str, Any]


@dataclass
class Person:
    """One person's facts while the tables are read."""

    patient: Patient
    follow_up: tuple[date, date] | None = None
    follow_up_derived: bool = False
    genotypes: list[Genotype] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    encounters: dict[int, Encounter] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    courses: dict[str, list[Row]] = field(default_factory=dict)
    exposures: list[Exposure] = field(default_factory=list)
    episodes: dict[int, Episode] = field(default_factory=dict)
    adverse_events: list[AdverseEvent] = field(default_factory=list)
    diary: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def record(self) -> PatientRecord:
        return PatientRecord(
            patient=replace(self.patient, genotypes=tuple(self.genotypes)),
            diagnoses=tuple(self.diagnoses),
            encounters=tuple(self.encounters.values()),
            observations=tuple(self.observations),
            findings=tuple(self.findings),
            episodes=tuple(self.episodes.values()),
            adverse_events=tuple(self.adverse_events),
            diary=tuple(DiaryDay(d["date"], tuple(d["items"]), d["pain_relief"]) for d in self.diary.values()),
            follow_up=None if self.follow_up_derived else self.follow_up,
        )


class ReaderBase:
    def __init__(self, tables: Mapping[str, Rows | None], concepts: ConceptMap, default_site: str) -> None:
        self.tables = {name: rows or [] for name, rows in tables.items()}
        self.concepts = concepts
        self.default_site = default_site
        self.report = ImportReport()
        self.people: dict[int, Person] = {}
        self.keys: dict[tuple[str, int], Row] = {
            (str(k["table_name"]), int(k["row_id"])): k for k in self.tables["remit_source_key"]
        }
        self.details: dict[tuple[str, int], list[tuple[str, str, str | None]]] = {}
        for d in sorted(self.tables["remit_source_detail"], key=lambda d: int(d["position"])):
            self.details.setdefault((str(d["table_name"]), int(d["row_id"])), []).append(
                (str(d["name"]), str(d["value_type"]), d["value"])
            )
        self.notes: dict[tuple[str, int, str], Row] = {}
        for note in self.tables["note"]:
            key = self.keys.get(("note", int(note["note_id"])))
            owner_table, _, field_name = str((key or {}).get("role") or "").partition(":")
            if (
                key is not None
                and note.get("note_event_id") is not None
                and field_name
                and note["note_text"] is not None
            ):
                self.notes[(owner_table, int(note["note_event_id"]), field_name)] = note
        self.features: dict[int, tuple[Person, str]] = {}  # observation_id -> episode feature
        self.used_notes: dict[int, str] = {}  # note_id -> what it became
        self.pending_notes: dict[int, str] = {}  # picked up by the row being read; kept if it is imported

    # ----- report -----------------------------------------------------------------

    def where(self, table: str, row: Mapping[str, Any]) -> str:
        if table == "episode_event":
            return f"episode_event {row['episode_id']}:{row['event_id']}"
        return f"{table} {row[TABLES[table][0].name]}"

    def guard(self, table: str, row: Row, handle: Callable[[Row], str | None]) -> None:
        self.pending_notes.clear()
        try:
            note = handle(row)
        except (RemitError, ValueError, KeyError) as exc:
            message = exc.message if isinstance(exc, RemitError) else str(exc)
            prefix = "unknown code: " if isinstance(exc, UnknownCodeError) else ""
            self.report.skipped(table, self.where(table, row), prefix + message)
            return
        self.used_notes.update(self.pending_notes)
        if note != REPORTED:
            self.report.imported(table, self.where(table, row), note or None)

    def for_person(self, table: str, row: Row, handle: Callable[[Person, Row], str | None]) -> None:
        person = self.people.get(row.get("person_id"))  # type: ignore[arg-type]
        if person is None:
            self.report.skipped(table, self.where(table, row), f"missing subject: no person {row.get('person_id')}")
            return
        self.guard(table, row, lambda r: handle(person, r))

    def report_side_tables(self) -> None:
        for note in self.tables["note"]:
            where = f"note {note['note_id']}"
            if int(note["note_id"]) in self.used_notes:
                self.report.merged("note", where, self.used_notes[int(note["note_id"])])
            elif note.get("note_text") is None:
                self.report.skipped("note", where, "no note_text")
            else:
                self.report.skipped(
                    "note", where, "free text not attached to a row remit imported (remit keeps notes on its own items)"
                )
        for row in self.tables["remit_source_key"]:
            self.report.merged("remit_source_key", f"{row['table_name']} {row['row_id']}", "used to restore remit ids")
        for row in self.tables["remit_source_detail"]:
            self.report.merged(
                "remit_source_detail",
                f"remit_source_detail {row['position']}",
                f"{row['name']} of {row['table_name']} {row['row_id']}",
            )

    # ----- side tables -------------------------------------------------------------

    def key(self, table: str, row: Mapping[str, Any]) -> Row | None:
        return self.keys.get((table, int(row[TABLES[table][0].name])))

    def role(self, table: str, row: Mapping[str, Any]) -> str | None:
        key = self.key(table, row)
        return None if key is None or key.get("role") is None else str(key["role"])

    def item_id(self, person: Person, table: str, row: Mapping[str, Any], prefix: str) -> str:
        key = self.key(table, row)
        found = str(key["remit_id"]) if key is not None else f"{prefix}-{row[TABLES[table][0].name]}"
        if found in person.ids:
            raise RecordError(f"id {found!r} is used twice")
        person.ids.add(found)
        return found

    def detail_list(self, table: str, row_id: int) -> list[tuple[str, Value]]:
        """The row's details in order, decoded (a bad one raises: the row is skipped)."""
        return [(name, decode(kind, text)) for name, kind, text in self.details.get((table, row_id), [])]

    def detail_map(self, table: str, row_id: int) -> dict[str, Value]:
        return dict(self.detail_list(table, row_id))

    def text(self, table: str, row_id: int, field_name: str, what: str) -> str | None:
        """The free text for ``field_name`` of the row, from NOTE; ``what`` says
        where it went, for the report."""
        note = self.notes.get((table, row_id, field_name))
        if note is None:
            return None
        self.pending_notes[int(note["note_id"])] = what
        return str(note["note_text"])
