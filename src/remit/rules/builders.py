"""Small constructors that keep catalogue definitions readable.

The one thing they add beyond the dataclasses is unit handling: a threshold is
written as the source prints it (``fibrinogen <= 3.6 g/L``) and converted once,
with pint, to the analyte's canonical unit. The published form is kept for
display.
"""

from __future__ import annotations

from remit.core.analytes import analyte as analyte_spec
from remit.core.intervals import Op
from remit.core.units import convert, to_ucum
from remit.rules import ast

_OPS = {">": Op.GT, ">=": Op.GE, "≥": Op.GE, "<": Op.LT, "<=": Op.LE, "≤": Op.LE}


def op(symbol: str) -> Op:
    return _OPS[symbol]


def window(days_before: int | None = 0, days_after: int = 0, *, baseline: bool = False) -> ast.Window:
    anchor = ast.Anchor.BASELINE if baseline else ast.Anchor.INDEX
    return ast.Window(days_before, days_after, anchor)


def measure(
    node_id: str,
    analyte: str,
    *,
    days: int | None,
    reduce: ast.Reduce = ast.Reduce.LATEST,
    label: str | None = None,
    baseline: bool = False,
) -> ast.Measure:
    spec = analyte_spec(analyte)
    return ast.Measure(node_id, label or spec.name, analyte, window(days, baseline=baseline), reduce)


def lab(
    node_id: str,
    analyte: str,
    symbol: str,
    threshold: float,
    unit: str,
    *,
    days: int | None,
    label: str | None = None,
    reduce: ast.Reduce = ast.Reduce.LATEST,
    boundary_conflict: bool = False,
    baseline: bool = False,
) -> ast.Compare:
    """``analyte <symbol> threshold unit`` on a measure in a look-back window."""
    value = measure(f"{node_id}.value", analyte, days=days, reduce=reduce, baseline=baseline)
    return compare(node_id, value, symbol, threshold, unit, label=label, boundary_conflict=boundary_conflict)


def compare(
    node_id: str,
    value: ast.ValueNode,
    symbol: str,
    threshold: float,
    unit: str,
    *,
    label: str | None = None,
    boundary_conflict: bool = False,
) -> ast.Compare:
    canonical_unit = _canonical_unit(value)
    ucum = to_ucum(unit) if unit not in ("1", "a", "d", "%", "points") else unit
    spec_mass = None
    if isinstance(value, ast.Measure):
        spec_mass = analyte_spec(value.analyte).molar_mass_g_per_mol
    canonical = (
        threshold
        if ucum == canonical_unit
        else convert(threshold, ucum, canonical_unit, molar_mass_g_per_mol=spec_mass)
    )
    published = f"{op(symbol).symbol} {threshold:g} {'' if unit == '1' else unit}".strip()
    text = label or f"{value.label} {op(symbol).symbol} {threshold:g} {unit}".strip()
    return ast.Compare(node_id, text, value, op(symbol), canonical, canonical_unit, published, boundary_conflict)


def _canonical_unit(value: ast.ValueNode) -> str:
    if isinstance(value, ast.Measure):
        return analyte_spec(value.analyte).canonical_unit
    if isinstance(value, ast.Age):
        return "a"
    if isinstance(value, ast.RunLength):
        return "d"
    if isinstance(value, ast.Change):
        return "%"
    if isinstance(value, ast.Points):
        return "points"
    if isinstance(value, ast.Arith | ast.Const | ast.Bounded):
        return value.unit
    return "1"


def finding(
    node_id: str,
    kind: str,
    *,
    days: int | None = 0,
    label: str | None = None,
    attributes: tuple[ast.AttributeTest, ...] = (),
    absent: ast.Absent = ast.Absent.UNKNOWN,
) -> ast.HasFinding:
    from remit.core.findings import finding_kind

    return ast.HasFinding(node_id, label or finding_kind(kind).name, kind, window(days), attributes, absent)


def all_of(node_id: str, label: str, *items: ast.TruthNode) -> ast.AllOf:
    return ast.AllOf(node_id, label, tuple(items))


def any_of(node_id: str, label: str, *items: ast.TruthNode) -> ast.AnyOf:
    return ast.AnyOf(node_id, label, tuple(items))


def at_least(node_id: str, label: str, k: int, *items: ast.TruthNode) -> ast.AtLeast:
    return ast.AtLeast(node_id, label, k, tuple(items))


def not_(node_id: str, label: str, item: ast.TruthNode) -> ast.Not:
    return ast.Not(node_id, label, item)


def const(node_id: str, value: float, unit: str = "1") -> ast.Const:
    return ast.Const(node_id, f"{value:g}", value, unit)


def weighted(node_id: str, label: str, coefficient: float, value: ast.ValueNode) -> ast.Arith:
    """``coefficient x value`` (one term of a linear score)."""
    return ast.Arith(node_id, label, "*", (const(f"{node_id}.coef", coefficient), value))


def total(node_id: str, label: str, *terms: ast.ValueNode, unit: str = "1") -> ast.Arith:
    return ast.Arith(node_id, label, "+", tuple(terms), unit)


def indicator(node_id: str, condition: ast.TruthNode, label: str | None = None) -> ast.Indicator:
    return ast.Indicator(node_id, label or condition.label, condition)


def option(points: float, when: ast.TruthNode) -> ast.Option:
    return ast.Option(points, when)


def domain(node_id: str, label: str, *options: ast.Option) -> ast.Domain:
    return ast.Domain(node_id, label, tuple(options))


def points(node_id: str, label: str, *domains: ast.Domain) -> ast.Points:
    return ast.Points(node_id, label, tuple(domains))


def within_reference(
    node_id: str,
    analyte: str,
    *,
    days: int | None,
    side: ast.Side = ast.Side.BOTH,
    label: str | None = None,
    baseline: bool = False,
) -> ast.WithinReference:
    """The latest ``analyte`` in the look-back window lies within its laboratory reference range."""
    text = label or f"{analyte_spec(analyte).name} within the laboratory reference range"
    return ast.WithinReference(node_id, text, analyte, window(days, baseline=baseline), side)


def has_value(node_id: str, analyte: str, *, days: int | None, label: str | None = None) -> ast.HasValue:
    """A value of ``analyte`` is recorded in the look-back window (the test was done)."""
    return ast.HasValue(node_id, label or f"{analyte_spec(analyte).name} measured", analyte, window(days))


def bounded(
    node_id: str, value: ast.ValueNode, low: float, high: float, *, label: str | None = None, unit: str = "1"
) -> ast.Bounded:
    """``value``, or its whole range ``[low, high]`` when it is not recorded."""
    return ast.Bounded(node_id, label or value.label, value, low, high, unit)
