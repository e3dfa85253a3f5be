"""The Kleene truth tables of ``logic.yaml``, run through every engine that
combines truth values: the functions of :mod:`remit.core.truth`, the per-patient
interpreter (leaves whose truth is set by a finding recorded present, recorded
absent, or not recorded) and, for AND/OR/NOT, SQL's NULL logic (SQLite), which
the screening backends rely on."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from remit.core.record import Finding, Patient, PatientRecord
from remit.core.truth import Truth, all_of, any_of, at_least
from remit.rules import ast
from remit.rules.interpret import evaluate

LOGIC = yaml.safe_load((Path(__file__).parent / "logic.yaml").read_text(encoding="utf-8"))
SYMBOLS = {"T": Truth.TRUE, "F": Truth.FALSE, "U": Truth.UNKNOWN}
INDEX = date(2020, 1, 10)
LEAF_KINDS = ("evanescent_rash", "serositis", "hepatomegaly")  # any finding kinds will do


@dataclass(frozen=True)
class Row:
    operator: str
    inputs: tuple[Truth, ...]
    expected: Truth
    k: int | None = None

    @property
    def id(self) -> str:
        names = "".join(t.name[0] for t in self.inputs)
        return f"{self.operator}{'' if self.k is None else self.k}({names})={self.expected.name[0]}"


def _rows() -> Iterator[Row]:
    for name, table in LOGIC["operators"].items():
        for row in table["rows"]:
            truths = tuple(SYMBOLS[s] for s in row)
            yield Row(name, truths[:-1], truths[-1], table.get("k"))


ROWS = list(_rows())


def test_every_table_is_complete_and_has_no_duplicates() -> None:
    for name, table in LOGIC["operators"].items():
        inputs = [tuple(row[:-1]) for row in table["rows"]]
        assert all(len(row) == table["inputs"] + 1 for row in table["rows"]), name
        assert sorted(inputs) == sorted(itertools.product("TFU", repeat=table["inputs"])), name
    assert len([r for r in ROWS if r.operator == "at_least"]) == 27


# --------------------------------------------------------------- remit.core.truth


def _core(row: Row) -> list[Truth]:
    """Every way remit.core.truth offers to compute the row."""
    a = row.inputs
    if row.operator == "and":
        return [a[0] & a[1], all_of(a)]
    if row.operator == "or":
        return [a[0] | a[1], any_of(a)]
    if row.operator == "not":
        return [~a[0]]
    assert row.k is not None
    return [at_least(row.k, a), at_least(row.k, iter(a))]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_core_truth(row: Row) -> None:
    for result in _core(row):
        assert result is row.expected


# --------------------------------------------------------------- the interpreter


def _leaf(i: int) -> ast.HasFinding:
    return ast.HasFinding(f"leaf{i}", f"leaf {i}", LEAF_KINDS[i], ast.Window(0, 0))


def _record(inputs: tuple[Truth, ...]) -> PatientRecord:
    """TRUE: the finding is recorded present; FALSE: recorded absent; UNKNOWN: not recorded."""
    findings = tuple(
        Finding(f"f{i}", LEAF_KINDS[i], INDEX, present=truth is Truth.TRUE)
        for i, truth in enumerate(inputs)
        if truth is not Truth.UNKNOWN
    )
    return PatientRecord(Patient("p", "site"), findings=findings)


def _rule(row: Row) -> ast.TruthNode:
    leaves = tuple(_leaf(i) for i in range(len(row.inputs)))
    if row.operator == "and":
        return ast.AllOf("rule", "all", leaves)
    if row.operator == "or":
        return ast.AnyOf("rule", "any", leaves)
    if row.operator == "not":
        return ast.Not("rule", "not", leaves[0])
    assert row.k is not None
    return ast.AtLeast("rule", "at least", row.k, leaves)


def _criterion(rule: ast.TruthNode) -> ast.Criterion:
    return ast.Criterion(
        id="logic",
        version="0",
        title="Truth-table probe",
        kind=ast.Kind.CLASSIFICATION,
        citation=ast.Citation("tests/conformance/logic.yaml"),
        verification=ast.Verification.VERIFIED,
        rule=rule,
    )


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_interpreter(row: Row) -> None:
    record = _record(row.inputs)
    result = evaluate(_criterion(_rule(row)), record, INDEX)
    leaves = [result.outcome.find(f"leaf{i}").truth for i in range(len(row.inputs))]
    assert leaves == list(row.inputs), "the probe record did not set the leaves as intended"
    assert result.truth is row.expected, result.outcome.to_dict()


# --------------------------------------------------------------- SQL NULL logic

SQL = {"and": "SELECT ? AND ?", "or": "SELECT ? OR ?", "not": "SELECT NOT ?"}
SQL_ROWS = [r for r in ROWS if r.operator in SQL]


@pytest.fixture(scope="module")
def sqlite() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


@pytest.mark.parametrize("row", SQL_ROWS, ids=[r.id for r in SQL_ROWS])
def test_sql_null_logic(row: Row, sqlite: sqlite3.Connection) -> None:
    params: list[Any] = [t.to_optional_bool() for t in row.inputs]
    (value,) = sqlite.execute(SQL[row.operator], params).fetchone()
    assert Truth.of(None if value is None else bool(value)) is row.expected


# --------------------------------------------------------------- derived identities


@pytest.mark.parametrize(
    "inputs", list(itertools.product(list(Truth), repeat=3)), ids=lambda t: "".join(x.name[0] for x in t)
)
def test_at_least_one_is_any_and_at_least_all_is_all(inputs: tuple[Truth, ...]) -> None:
    assert at_least(1, inputs) is any_of(inputs)
    assert at_least(3, inputs) is all_of(inputs)
    assert at_least(0, inputs) is Truth.TRUE
    assert at_least(4, inputs) is Truth.FALSE


def test_empty_conjunction_and_disjunction() -> None:
    assert all_of([]) is Truth.TRUE
    assert any_of([]) is Truth.FALSE
