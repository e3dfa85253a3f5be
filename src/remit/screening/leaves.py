"""Which nodes are leaves, and the builder of each: a leaf becomes an
aggregate over the fact tables, keyed by the spine and left-joined onto it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis.expr.types as ir

from remit.rules import ast
from remit.screening import leaves_episodes, leaves_findings, leaves_labs, leaves_person, leaves_sustained

LEAF_BUILDERS: dict[type, Callable[[Any, Any], ir.Table]] = {
    ast.Measure: leaves_labs.measure,
    ast.WithinReference: leaves_labs.within_reference,
    ast.HasValue: leaves_labs.has_value,
    ast.HasResult: leaves_labs.has_result,
    ast.Age: leaves_person.age,
    ast.HasCondition: leaves_person.has_condition,
    ast.HasGenotype: leaves_person.has_genotype,
    ast.IsSex: leaves_person.is_sex,
    ast.OnMedication: leaves_person.on_medication,
    ast.HasFinding: leaves_findings.has_finding,
    ast.RunLength: leaves_findings.run_length,
    ast.CountEpisodes: leaves_episodes.count_episodes,
    ast.DiarySum: leaves_episodes.diary_sum,
    ast.Sustained: leaves_sustained.sustained,
}
LEAVES = tuple(LEAF_BUILDERS)
