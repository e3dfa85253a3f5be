"""One definition, many renderings: prose and Markdown of a definition, and a
readable explanation of an evaluated outcome.

The instrument pages in ``docs/instruments/`` and the text of
``remit criteria show`` come from :func:`describe`, so the documentation cannot
drift from what the engine evaluates.
"""

from __future__ import annotations

from remit.core.analytes import analyte as analyte_spec
from remit.core.truth import Truth
from remit.rules import ast
from remit.rules.interpret import Outcome, Result
from remit.rules.serialize import content_hash

_MARK = {Truth.TRUE: "✔ met", Truth.FALSE: "✘ not met", Truth.UNKNOWN: "? indeterminate"}


def describe_node(node: ast.Node, depth: int = 0) -> list[str]:
    """Markdown bullet lines for a node and its children."""
    pad = "  " * depth
    text = f"{pad}- {_node_text(node)} `[{node.id}]`"
    lines = [text]
    if isinstance(node, ast.Points):
        for domain in node.domains:
            lines.append(f"{pad}  - {domain.label} `[{domain.id}]`")
            for option in domain.options:
                lines.append(f"{pad}    - **{option.points:g} points** if {_node_text(option.when)}")
        return lines
    if isinstance(node, ast.Compare) and not isinstance(node.value, ast.Measure):
        lines.extend(describe_node(node.value, depth + 1))
        return lines
    for child in _children(node):
        lines.extend(describe_node(child, depth + 1))
    return lines


def _children(node: ast.Node) -> list[ast.Node]:
    from remit.rules.interpret import children_of

    if isinstance(node, ast.Compare):
        return []
    return children_of(node)


def _node_text(node: ast.Node) -> str:
    if isinstance(node, ast.Compare):
        shown = node.published or f"{node.op.symbol} {node.threshold:g} {node.unit}"
        window = f", {node.value.window.describe()}" if isinstance(node.value, ast.Measure) else ""
        reduce = ""
        if isinstance(node.value, ast.Measure) and node.value.reduce is not ast.Reduce.LATEST:
            reduce = f" ({node.value.reduce.value})"
        canonical = ""
        if node.published and isinstance(node.value, ast.Measure):
            spec = analyte_spec(node.value.analyte)
            parts = node.published.split(" ", 2)
            published_unit = parts[2] if len(parts) > 2 else spec.canonical_unit  # dimensionless: no unit printed
            if published_unit != spec.canonical_unit:
                canonical = f" (= {node.op.symbol} {node.threshold:g} {spec.canonical_unit})"
        flag = (
            " — boundary disputed between sources: a value exactly on it is indeterminate"
            if node.boundary_conflict
            else ""
        )
        text = node.label
        if f"{node.threshold:g}" not in text and (node.published.split(" ")[1:2] or [""])[0] not in text:
            text += f" ({node.value.label}{reduce} {shown})"
        elif reduce:
            text += reduce
        return f"{text}{canonical}{window}{flag}"
    if isinstance(node, ast.HasFinding):
        attrs = "".join(f", {t.name} {t.op} {t.value}" for t in node.attributes)
        absent = (
            " (not recorded counts as absent when the record covers the window)"
            if node.absent is ast.Absent.FALSE_IF_COVERED
            else ""
        )
        return f"{node.label}: finding `{node.kind}` present {node.window.describe()}{attrs}{absent}"
    if isinstance(node, ast.AtLeast):
        return f"{node.label}: at least {node.k} of {len(node.items)}"
    if isinstance(node, ast.AllOf):
        return f"{node.label}: all of"
    if isinstance(node, ast.AnyOf):
        return f"{node.label}: any of"
    if isinstance(node, ast.Not):
        return f"{node.label}: not"
    if isinstance(node, ast.Sustained):
        return f"{node.label}: held at every visit for {node.days} days"
    if isinstance(node, ast.HasResult):
        span = f", ≥ {node.min_span_days} days apart" if node.min_span_days else ""
        return f"{node.label}: ≥ {node.min_count} {node.analyte} result(s) {'/'.join(node.categories)}{span}"
    if isinstance(node, ast.HasGenotype):
        classes = "/".join(c.value for c in node.classes)
        return f"{node.label}: {node.gene} genotype {classes}"
    if isinstance(node, ast.OnMedication):
        return f"{node.label}: any of {', '.join(node.drugs)} {node.window.describe()}"
    if isinstance(node, ast.Measure):
        return f"{node.label} ({node.reduce.value}, {node.window.describe()})"
    if isinstance(node, ast.CountEpisodes):
        return f"{node.label}: number of `{node.kind.value}` episodes {node.window.describe()}{_episode_filters(node)}"
    if isinstance(node, ast.DiarySum):
        return f"{node.label}: sum of daily diary answers ({len(node.items)} items) {node.window.describe()}"
    if isinstance(node, ast.Arith):
        return f"{node.label} ({node.op})"
    if isinstance(node, ast.WithinReference):
        side = {ast.Side.BOTH: "", ast.Side.UPPER: ", upper limit only", ast.Side.LOWER: ", lower limit only"}
        return (
            f"{node.label}: latest `{node.analyte}` {node.window.describe()} within the laboratory's "
            f"reference range{side[node.side]}"
        )
    if isinstance(node, ast.HasValue):
        return f"{node.label}: a value of `{node.analyte}` recorded {node.window.describe()}"
    if isinstance(node, ast.Bounded):
        return f"{node.label} (when not recorded: its range {node.low:g}-{node.high:g})"
    return node.label


def _episode_filters(node: ast.CountEpisodes) -> str:
    """The filters of an episode count, in words (empty when there are none)."""
    parts = []
    if node.features_any:
        many = "any" if node.features_min <= 1 else f"at least {node.features_min}"
        parts.append(f"with {many} of {', '.join(f'`{f}`' for f in node.features_any)}")
    if node.features_none:
        parts.append(f"with none of {', '.join(f'`{f}`' for f in node.features_none)}")
    if node.min_hours is not None and node.max_hours is not None:
        parts.append(f"lasting {node.min_hours:g}-{node.max_hours:g} h")
    elif node.min_hours is not None:
        parts.append(f"lasting ≥ {node.min_hours:g} h")
    elif node.max_hours is not None:
        parts.append(f"lasting ≤ {node.max_hours:g} h")
    for test in node.attributes:
        value = "/".join(test.value) if isinstance(test.value, tuple) else test.value
        parts.append(f"{test.name} {test.op} {value}")
    if node.recurrence_gap_days is not None:
        parts.append(
            f"recurrences only: after an earlier matching episode and ≥ {node.recurrence_gap_days} days "
            "after the previous episode ended"
        )
    return f" ({'; '.join(parts)})" if parts else ""


def describe(definition: ast.Criterion) -> str:
    """A Markdown page for one instrument."""
    lines = [
        f"# {definition.title}",
        "",
        f"- **id:** `{definition.id}` (version {definition.version})",
        f"- **kind:** {definition.kind.value}",
        f"- **verification:** {definition.verification.value}",
        f"- **applies to:** {', '.join(definition.applies_to) or 'any patient'}",
        f"- **content hash:** `{content_hash(definition)}`",
        f"- **citation:** {definition.citation.describe()}",
    ]
    if definition.status_meaning:
        lines.append(f'- **"met" means:** {definition.status_meaning}')
    if definition.needs_baseline:
        lines.append("- **needs a baseline visit** (`--baseline DATE`)")
    lines += ["", definition.description.strip(), "", "## Rule", ""]
    lines += describe_node(definition.rule)
    if definition.score is not None:
        lines += ["", f"## Score ({definition.score_unit})", ""]
        lines += describe_node(definition.score)
    if definition.bands:
        lines += ["", "## Categories", ""]
        if definition.bands_source:
            lines += [f"Source: {definition.bands_source}", ""]
        lines += ["| category | score |", "|---|---|"]
        lines += [f"| {b.label} | {b.op.symbol} {b.threshold:g} |" for b in definition.bands]
    if definition.caveats:
        lines += ["", "## Caveats", ""]
        lines += [f"- {c}" for c in definition.caveats]
    return "\n".join(lines).rstrip() + "\n"


def explain(result: Result, *, max_depth: int = 6) -> str:
    """A plain-text explanation of a result, one line per node."""
    d = result.definition
    head = f"{d.title} [{d.id} {d.version}, {d.verification.value}] as of {result.index_date}: "
    head += result.status.upper().replace("_", " ")
    lines = [head]
    if result.score is not None:
        lines.append(
            f"  score: {result.score.describe()} {d.score_unit}" + (f" — {result.category}" if result.category else "")
        )
    lines.extend(_explain_outcome(result.outcome.children[0], 1, max_depth))
    for message in result.decisive_unknowns:
        lines.append(f"  decisive unknown: {message}")
    for caveat in d.caveats:
        lines.append(f"  caveat: {caveat}")
    return "\n".join(lines)


def _explain_outcome(outcome: Outcome, depth: int, max_depth: int) -> list[str]:
    pad = "  " * depth
    mark = _MARK[outcome.truth] if outcome.truth is not None else ""
    value = f" = {outcome.value.describe()} {outcome.unit or ''}".rstrip() if outcome.value is not None else ""
    line = f"{pad}{mark} {outcome.label}{value}".rstrip()
    if outcome.note:
        line += f" ({outcome.note})"
    lines = [line]
    for item in outcome.evidence:
        lines.append(f"{pad}    · {item.text}")
    if depth < max_depth:
        for child in outcome.children:
            if child.truth is not None or child.evidence or child.children:
                lines.extend(_explain_outcome(child, depth + 1, max_depth))
    return lines
