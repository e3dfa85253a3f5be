"""Static checks on definitions (the Circe ``check/`` idea).

Run over every catalogue entry by the test suite, so a definition with a
threshold in the wrong dimension, an unreachable cut-off or a duplicated node
id cannot ship.
"""

from __future__ import annotations

from dataclasses import dataclass

from remit.core.analytes import ANALYTES
from remit.core.findings import FINDING_KINDS
from remit.core.units import convert
from remit.errors import UnitError
from remit.rules import ast
from remit.rules.interpret import iter_nodes


@dataclass(frozen=True, slots=True)
class Problem:
    node_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.node_id}: {self.message}"


def check(definition: ast.Criterion) -> list[Problem]:
    """Every problem found in ``definition`` (empty when it is sound)."""
    problems: list[Problem] = []
    roots: list[ast.Node] = [definition.rule]
    if definition.score is not None:
        roots.append(definition.score)
    seen: dict[str, ast.Node] = {}
    for root in roots:
        for node in iter_nodes(root):
            previous = seen.get(node.id)
            if previous is not None and previous is not node and previous != node:
                problems.append(Problem(node.id, "node id used by two different nodes"))
            seen[node.id] = node
            problems.extend(_check_node(node, definition))
    if definition.needs_baseline is False and any(
        isinstance(n, ast.Measure | ast.CountEpisodes | ast.DiarySum | ast.WithinReference | ast.HasValue)
        and n.window.anchor is ast.Anchor.BASELINE
        for root in roots
        for n in iter_nodes(root)
    ):
        problems.append(Problem(definition.id, "reads a baseline window but needs_baseline is False"))
    for band in definition.bands:
        if definition.score is None:
            problems.append(Problem(definition.id, f"band {band.label!r} without a score"))
    return problems


def _check_node(node: ast.Node, definition: ast.Criterion) -> list[Problem]:
    problems: list[Problem] = []
    if (
        isinstance(node, ast.Measure | ast.HasResult | ast.WithinReference | ast.HasValue)
        and node.analyte not in ANALYTES
    ):
        problems.append(Problem(node.id, f"unknown analyte {node.analyte!r}"))
    if isinstance(node, ast.HasFinding | ast.RunLength) and node.kind not in FINDING_KINDS:
        problems.append(Problem(node.id, f"unknown finding kind {node.kind!r}"))
    if isinstance(node, ast.Compare):
        problems.extend(_check_compare(node))
    if isinstance(node, ast.AtLeast) and not 0 < node.k <= len(node.items):
        problems.append(Problem(node.id, f"needs {node.k} of {len(node.items)} items: unreachable"))
    if isinstance(node, ast.AllOf | ast.AnyOf | ast.AtLeast) and not node.items:
        problems.append(Problem(node.id, "has no items"))
    if isinstance(node, ast.Arith) and node.op in ("-", "/") and len(node.args) != 2:
        problems.append(Problem(node.id, f"'{node.op}' takes exactly two arguments"))
    return problems


def _check_compare(node: ast.Compare) -> list[Problem]:
    problems: list[Problem] = []
    value = node.value
    if isinstance(value, ast.Measure) and value.analyte in ANALYTES:
        canonical = ANALYTES[value.analyte].canonical_unit
        if node.unit != canonical:
            # Thresholds are converted to the canonical unit when built; another unit here
            # means the node was built by hand. Is it at least of the same dimension?
            try:
                convert(1.0, node.unit, canonical, molar_mass_g_per_mol=ANALYTES[value.analyte].molar_mass_g_per_mol)
                problems.append(Problem(node.id, f"threshold in {node.unit}, not the canonical {canonical}"))
            except UnitError:
                problems.append(Problem(node.id, f"threshold unit {node.unit} cannot express {canonical}"))
        spec = ANALYTES[value.analyte]
        low, high = spec.plausible_low, spec.plausible_high
        if (low is not None and node.threshold < low) or (high is not None and node.threshold > high):
            problems.append(
                Problem(
                    node.id,
                    f"threshold {node.threshold:g} {canonical} is outside the "
                    f"plausible range of {spec.name}: unreachable",
                )
            )
    if isinstance(value, ast.Points):
        maximum = sum(max((o.points for o in d.options), default=0.0) for d in value.domains)
        if node.op.value in (">", ">=") and node.threshold > maximum:
            problems.append(Problem(node.id, f"cut-off {node.threshold:g} above the maximum score {maximum:g}"))
    return problems


def required_inputs(definition: ast.Criterion) -> dict[str, set[str]]:
    """What a definition reads: analytes, findings, episode kinds, drugs,
    conditions, genes (forms and screening use this to select data)."""
    inputs: dict[str, set[str]] = {
        k: set() for k in ("analytes", "findings", "episodes", "drugs", "conditions", "genes", "diary")
    }
    roots: list[ast.Node] = [definition.rule] + ([definition.score] if definition.score is not None else [])
    for root in roots:
        for node in iter_nodes(root):
            if isinstance(node, ast.Measure | ast.HasResult | ast.WithinReference | ast.HasValue):
                inputs["analytes"].add(node.analyte)
            elif isinstance(node, ast.HasFinding | ast.RunLength):
                inputs["findings"].add(node.kind)
            elif isinstance(node, ast.CountEpisodes):
                inputs["episodes"].add(node.kind.value)
            elif isinstance(node, ast.OnMedication):
                inputs["drugs"].update(node.drugs)
            elif isinstance(node, ast.HasCondition):
                inputs["conditions"].add(node.condition)
            elif isinstance(node, ast.HasGenotype):
                inputs["genes"].add(node.gene)
            elif isinstance(node, ast.DiarySum):
                inputs["diary"].update(node.items)
            elif isinstance(node, ast.Age | ast.IsSex):
                inputs.setdefault("patient", set()).add(type(node).__name__.lower())
    return inputs
