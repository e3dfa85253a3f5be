"""Checks run over every catalogue entry (the ``check_criterion`` idea)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from remit.catalogue import INSTRUMENTS
from remit.reference_docs import instrument_pages
from remit.rules.ast import Criterion, Verification
from remit.rules.check import check
from remit.rules.serialize import canonical_json, content_hash

DOCS = Path(__file__).resolve().parents[2] / "docs"
DEFINITIONS = list(INSTRUMENTS.values())


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.id for d in DEFINITIONS])
def test_definition_passes_static_checks(definition: Criterion) -> None:
    assert check(definition) == []


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.id for d in DEFINITIONS])
def test_definition_is_cited_and_hashed(definition: Criterion) -> None:
    assert definition.citation.text
    assert definition.version
    json.loads(canonical_json(definition))
    assert content_hash(definition).startswith("sha256:")
    if definition.verification is not Verification.VERIFIED:
        assert definition.caveats, "an unverified or conflicting definition must say why in its caveats"


@pytest.mark.parametrize("definition", DEFINITIONS, ids=[d.id for d in DEFINITIONS])
def test_node_ids_are_unique(definition: Criterion) -> None:
    from remit.rules.interpret import iter_nodes

    nodes = iter_nodes(definition.rule) + (iter_nodes(definition.score) if definition.score else [])
    ids: dict[str, object] = {}
    for node in nodes:
        assert ids.setdefault(node.id, node) == node, f"node id {node.id} is used twice"


def test_content_hash_changes_with_a_threshold() -> None:
    import dataclasses

    original = INSTRUMENTS["mas_2016"]
    changed = dataclasses.replace(original, version="test", description=original.description + " ")
    assert content_hash(changed) != content_hash(original)


def test_generated_instrument_docs_are_current() -> None:
    stale = [
        relative
        for relative, text in instrument_pages().items()
        if not (DOCS / relative).exists() or (DOCS / relative).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m remit.reference_docs` to update: {stale}"
