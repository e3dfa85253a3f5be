"""Compare the compiled explanation matrix with the interpreter, node by node."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from remit.core.record import PatientRecord
from remit.rules import ast
from remit.rules.interpret import Outcome, evaluate
from remit.screening.backends import create_table, load_arrow
from remit.screening.compile import Compiler, column_name, outside_sustained
from remit.screening.facts import facts_from_records, spine_table


def renamed(record: PatientRecord, person_id: str) -> PatientRecord:
    patient = dataclasses.replace(record.patient, id=person_id)
    return dataclasses.replace(record, patient=patient)


def interpreter_outcomes(
    definition: ast.Criterion, record: PatientRecord, index: date, baseline: date | None
) -> dict[str, Outcome]:
    result = evaluate(definition, record, index, baseline_date=baseline)
    found: dict[str, Outcome] = {}
    stack = [result.outcome]
    while stack:  # outcomes at the index date; per-visit evaluations (ids with "@") are Sustained's own
        outcome = stack.pop()
        found.setdefault(outcome.node_id, outcome)
        stack.extend(c for c in outcome.children if "@" not in c.node_id)
    return found


def compiled_rows(
    con: Any, definition: ast.Criterion, cases: Sequence[tuple[PatientRecord, date, date | None]], prefix: str
) -> dict[str, dict[str, Any]]:
    records = [r if r.patient.id.startswith("p") else renamed(r, f"p{i}") for i, (r, _, _) in enumerate(cases)]
    facts = load_arrow(con, facts_from_records(records), prefix=prefix)
    spine = create_table(
        con, f"{prefix}spine", spine_table((f"p{i}", idx, base) for i, (_, idx, base) in enumerate(cases))
    )
    expr = Compiler(facts).compile(definition, spine)
    frame = con.execute(expr)
    return {row["person_id"]: row for row in frame.to_dict(orient="records")}


def _none(x: Any) -> Any:
    if x is None:
        return None
    try:
        if isinstance(x, float) and math.isnan(x):
            return None
    except TypeError:
        return x
    if hasattr(x, "item"):
        return x.item()
    return x


def disagreements(definition: ast.Criterion, outcomes: dict[str, Outcome], row: dict[str, Any]) -> list[str]:
    problems = []
    nodes = outside_sustained(definition.rule) + (outside_sustained(definition.score) if definition.score else [])
    for node in nodes:
        outcome = outcomes.get(node.id)
        if outcome is None:
            continue  # not reached by the interpreter (e.g. inside Sustained)
        col = column_name(node.id)
        if isinstance(node, ast.TRUTH_NODES):
            assert outcome.truth is not None
            got = _none(row[col])
            want = outcome.truth.to_optional_bool()
            if got != want:
                problems.append(f"{node.id}: interpreter {want}, compiled {got}")
        else:
            low, high = _none(row[f"{col}__low"]), _none(row[f"{col}__high"])
            if outcome.value is None:
                if low is not None:
                    problems.append(f"{node.id}: interpreter unknown, compiled [{low}, {high}]")
                continue
            if low is None or not _close(low, outcome.value.low) or not _close(high, outcome.value.high):
                problems.append(f"{node.id}: interpreter {outcome.value}, compiled [{low}, {high}]")
    return problems


def _close(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
