"""The reference tables of ``docs/case-files.md``, generated from the core tables.

The analytes, unit spellings, finding kinds and conditions a case file may use
grow as instruments are added. Copying them into the user documentation by
hand would let the page drift from what the reader accepts, so each table is
generated here and sits in the page between two markers::

    <!-- BEGIN generated: findings -->
    ...
    <!-- END generated: findings -->

Refresh them in place with ``python -m remit.casefiles.reference docs/case-files.md``;
a test fails when the committed page is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from remit.core.analytes import ANALYTES, ValueKind
from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.units import UNIT_SYNONYMS

_BLOCK = re.compile(r"(<!-- BEGIN generated: (?P<name>[a-z_]+) -->\n).*?(<!-- END generated: (?P=name) -->)", re.DOTALL)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    return f"`{text}`"


def units() -> str:
    by_ucum: dict[str, list[str]] = {}
    for spelling, ucum in UNIT_SYNONYMS.items():
        by_ucum.setdefault(ucum, []).append(spelling)
    return _table(
        ("UCUM", "also accepted"),
        [(_code(ucum), ", ".join(_code(s) for s in spellings)) for ucum, spellings in by_ucum.items()],
    )


def analytes() -> str:
    rows = []
    for spec in ANALYTES.values():
        if spec.kind is ValueKind.QUALITATIVE:
            unit = "categories only"
        elif spec.canonical_unit == "1":
            unit = "no unit"
        else:
            unit = _code(spec.canonical_unit)
        others = [u for u in spec.unit_choices if u != spec.canonical_unit] + list(spec.unit_aliases)
        rows.append((_code(spec.id), spec.name, unit, ", ".join(_code(u) for u in others)))
    return _table(("id", "analyte", "canonical unit", "other units accepted"), rows)


def conditions() -> str:
    rows = [
        (_code(c.id), c.name, "; ".join(f"{coding.system_name} {coding.code}" for coding in c.codings))
        for c in CONDITIONS.values()
    ]
    return _table(("id", "condition", "codings added automatically"), rows)


def findings() -> str:
    rows = [
        (
            _code(k.id),
            k.name,
            _code(k.value_analyte) if k.value_analyte else "",
            ", ".join(_code(a) for a in k.attributes),
            k.description,
        )
        for k in FINDING_KINDS.values()
    ]
    return _table(("id", "finding", "measured value", "attributes", "notes"), rows)


TABLES: dict[str, Callable[[], str]] = {
    "units": units,
    "analytes": analytes,
    "conditions": conditions,
    "findings": findings,
}


def refresh(text: str) -> str:
    """``text`` with every generated block replaced by its current table."""
    found: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in TABLES:
            raise ValueError(f"unknown generated block {name!r}; known: {', '.join(TABLES)}")
        found.add(name)
        return match.group(1) + TABLES[name]() + match.group(3)

    refreshed = _BLOCK.sub(replace, text)
    absent = set(TABLES) - found
    if absent:
        raise ValueError(f"no generated block for {', '.join(sorted(absent))}")
    return refreshed


def main(argv: Sequence[str]) -> None:
    for name in argv:
        path = Path(name)
        path.write_text(refresh(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
