"""docs/case-files.md stays in step with the code it documents."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import pytest

from remit.casefiles import parse
from remit.casefiles.documents import decode
from remit.casefiles.reference import refresh
from remit.core.analytes import ANALYTES
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.medications import Frequency, Route, StopReason
from remit.core.record import (
    AIDAI_ITEMS,
    AdverseEventOutcome,
    DiagnosisStatus,
    EncounterKind,
    EpisodeKind,
    Relatedness,
    SeriousCriterion,
)
from remit.core.units import UNIT_SYNONYMS

DOC = Path(__file__).parents[2] / "docs" / "case-files.md"
REGENERATE = ".venv/bin/python -m remit.casefiles.reference docs/case-files.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_generated_tables_are_up_to_date(doc: str) -> None:
    assert doc == refresh(doc), f"docs/case-files.md is stale; run: {REGENERATE}"


def test_generated_tables_cover_every_id(doc: str) -> None:
    """An independent check on the generator: every id appears in a table row."""
    ids = [*ANALYTES, *FINDING_KINDS, *CONDITIONS, *UNIT_SYNONYMS, *AIDAI_ITEMS]
    assert [name for name in ids if f"`{name}`" not in doc] == []


@pytest.mark.parametrize(
    "choices",
    [
        Route,
        Frequency,
        StopReason,
        EpisodeKind,
        EncounterKind,
        DiagnosisStatus,
        SeriousCriterion,
        Relatedness,
        AdverseEventOutcome,
    ],
    ids=lambda e: e.__name__,
)
def test_every_allowed_value_is_documented(doc: str, choices: type[Enum]) -> None:
    assert [c.value for c in choices if f"`{c.value}`" not in doc] == []


def test_the_short_example_is_a_valid_case_file(doc: str) -> None:
    block = re.search(r"```yaml\n(.*?format: remit-case/1.*?)```", doc, re.DOTALL)
    assert block is not None
    data = decode(block.group(1), "yaml", source="docs example")
    assert isinstance(data, dict)
    record = parse(data, source="docs example")
    assert record.patient.id == "seed-001-p1"


def test_refresh_refuses_a_page_without_the_generated_blocks() -> None:
    with pytest.raises(ValueError, match="no generated block for analytes, conditions, findings, units"):
        refresh("# a page without markers\n")
