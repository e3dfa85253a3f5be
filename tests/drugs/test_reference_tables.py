"""docs/drugs.md shows the catalogue as the code holds it."""

from __future__ import annotations

from pathlib import Path

from remit.drugs import all_rules
from remit.drugs.reference_tables import END, START, catalogue_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "drugs.md"


def test_the_generated_catalogue_section_is_up_to_date() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(START, 1)[1].split(END, 1)[0]
    assert section.strip() == catalogue_markdown().strip(), (
        "docs/drugs.md is stale: run `python -m remit.drugs.reference_tables docs/drugs.md`"
    )


def test_every_rule_is_documented_with_its_tag() -> None:
    markdown = catalogue_markdown()
    for _, rule in all_rules():
        row = next(line for line in markdown.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert f"**{rule.verification.value}**" in row
