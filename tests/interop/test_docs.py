"""docs/interop.md shows the shipped concept map and every extension remit writes."""

from __future__ import annotations

from pathlib import Path

from remit.interop.fhir.terminology import STRUCTURE, Ext

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "interop.md").read_text(encoding="utf-8")


def test_the_concept_map_in_the_docs_is_the_shipped_one() -> None:
    shipped = (ROOT / "src" / "remit" / "interop" / "omop" / "concepts.csv").read_text(encoding="utf-8")
    block = DOC.split("<!-- concept-map:begin", 1)[1].split("```csv\n", 1)[1].split("```", 1)[0]
    assert block == shipped


def test_every_extension_is_documented() -> None:
    urls = [value for name, value in vars(Ext).items() if name.isupper()]
    assert urls
    for url in urls:
        assert f"`{url.removeprefix(STRUCTURE + '/')}`" in DOC, url
