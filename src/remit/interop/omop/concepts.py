"""The concept map: remit codes -> OMOP concept ids, and back.

The shipped map (``concepts.csv`` beside this module) holds only concept ids
from standards-and-libraries.md (§B1 labs and units, §B2 conditions, §B4
gender, visit, type and operator concepts), each with ``verified`` (true only
for ids the reference marks [V]) and the evidence. Codes with no id there -
remit's local measures, the autoinflammatory diagnoses, every drug (RxNorm
ingredient concepts were not verified) - map to concept 0, and the exports
keep the remit code in the ``*_source_value`` columns, as the OMOP
conventions ask. Anything not listed maps to 0 too.

Users can replace the map (``--concepts FILE``) with one resolved in Athena;
the columns are ``domain, remit_code, vocabulary, source_code, concept_id,
verified, evidence``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from remit.interop.errors import MalformedFileError

COLUMNS = ("domain", "remit_code", "vocabulary", "source_code", "concept_id", "verified", "evidence")
DOMAINS = (
    "gender",
    "visit",
    "type",
    "operator",
    "measurement",
    "unit",
    "condition",
    "drug",
    "route",
    "finding",
    "episode",
)
REGISTRY_TYPE = "registry"


@dataclass(frozen=True, slots=True)
class Concept:
    domain: str
    remit_code: str
    vocabulary: str
    source_code: str
    concept_id: int
    verified: bool
    evidence: str


class ConceptMap:
    """Look-ups both ways. ``verified_only`` turns every unverified id into 0."""

    def __init__(self, concepts: Iterable[Concept], *, verified_only: bool = False) -> None:
        self.concepts = tuple(concepts)
        self.verified_only = verified_only
        self._by_code: dict[tuple[str, str], Concept] = {}
        self._by_id: dict[tuple[str, int], str] = {}
        for concept in self.concepts:
            key = (concept.domain, concept.remit_code)
            if key in self._by_code:
                raise MalformedFileError(f"the concept map lists {concept.domain} {concept.remit_code!r} twice")
            self._by_code[key] = concept
            if concept.concept_id != 0:
                self._by_id.setdefault((concept.domain, concept.concept_id), concept.remit_code)

    @classmethod
    def load(cls, path: str | Path | None = None, *, verified_only: bool = False) -> ConceptMap:
        """The map at ``path``, or the shipped one."""
        if path is None:
            text = files("remit.interop.omop").joinpath("concepts.csv").read_text(encoding="utf-8")
            source = "concepts.csv (shipped)"
        else:
            source = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise MalformedFileError(f"cannot read the concept map: {exc}", file=source) from exc
        return cls(_parse(text, source), verified_only=verified_only)

    def concept_id(self, domain: str, code: str | None) -> int:
        """The concept id for a remit code; 0 when unmapped (or unverified under ``verified_only``)."""
        concept = self._by_code.get((domain, code or ""))
        if concept is None or (self.verified_only and not concept.verified):
            return 0
        return concept.concept_id

    def remit_code(self, domain: str, concept_id: int | None) -> str | None:
        """The remit code of a (non-zero) concept id, or None."""
        if not concept_id:
            return None
        return self._by_id.get((domain, concept_id))

    def entries(self, domain: str) -> tuple[Concept, ...]:
        return tuple(c for c in self.concepts if c.domain == domain)


def _parse(text: str, source: str) -> list[Concept]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise MalformedFileError(f"the header must be {','.join(COLUMNS)}", file=source, field="line 1")
    concepts = []
    for number, row in enumerate(reader, start=2):
        where = f"line {number}"
        if row["domain"] not in DOMAINS:
            raise MalformedFileError(
                f"unknown domain {row['domain']!r}; one of {', '.join(DOMAINS)}", file=source, field=where
            )
        try:
            concept_id = int(row["concept_id"])
        except ValueError:
            raise MalformedFileError(
                f"concept_id {row['concept_id']!r} is not an integer", file=source, field=where
            ) from None
        if row["verified"] not in ("true", "false"):
            raise MalformedFileError("verified must be true or false", file=source, field=where)
        concepts.append(
            Concept(
                row["domain"],
                row["remit_code"],
                row["vocabulary"],
                row["source_code"],
                concept_id,
                row["verified"] == "true",
                row["evidence"],
            )
        )
    return concepts
