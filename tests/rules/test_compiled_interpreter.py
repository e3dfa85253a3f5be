"""The compiled interpreter shares work between the definitions evaluated
together (outcomes of shared subtrees, the episodes and findings of a kind over
a window) and memoises each definition's closures. Neither may change an
answer: every result of ``evaluate_all`` equals the result of evaluating that
definition alone, on a fresh record, explanation and decisive unknowns included."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from remit.casefiles import load
from remit.catalogue import evaluate_all
from remit.core.intervals import Op
from remit.demo import seed_case_files
from remit.rules import ast
from remit.rules.closures import compiled
from remit.rules.interpret import evaluate

SEEDS = seed_case_files()


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_evaluate_all_equals_each_definition_alone(path: Path) -> None:
    record = load(path)
    visits = sorted({e.date for e in record.encounters})
    baseline = visits[0]
    for index in (visits[-1], visits[len(visits) // 2], visits[-1] + timedelta(days=400)):
        together = evaluate_all(record, index, baseline_date=baseline)
        assert together
        for result in together:
            alone = evaluate(result.definition, load(path), index, baseline_date=baseline)
            assert result.to_dict() == alone.to_dict(), (result.definition.id, index)


def test_a_node_is_compiled_once_and_an_equal_node_separately() -> None:
    first = ast.Compare("c", "C", ast.Const("k", "K", 3), Op.GT, 2, "1")
    twin = ast.Compare("c", "C", ast.Const("k", "K", 3), Op.GT, 2, "1")
    assert compiled(first) is compiled(first)
    assert compiled(first) is not compiled(twin)  # memoised by identity, not equality
