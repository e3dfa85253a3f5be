"""The generated tables of ``docs/units.md``.

The page is hand-written except for the blocks between ``<!-- BEGIN GENERATED:
name -->`` and ``<!-- END GENERATED: name -->``, which are rendered here from
:mod:`remit.core.analytes` and :mod:`remit.core.units`. ``test_units_doc.py``
fails when they are stale; run ``python -m tests.core.units_doc`` to rewrite them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from remit.core.analytes import ANALYTES, Analyte, ValueKind
from remit.core.units import CASE_SENSITIVE_SYNONYMS, UNIT_SYNONYMS

DOC = Path(__file__).resolve().parents[2] / "docs" / "units.md"
_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)", re.S
)


def _bound(x: float | None) -> str:
    return "—" if x is None else f"{x:,g}".replace(",", " ")


def _range(a: Analyte) -> str:
    if a.kind is ValueKind.QUALITATIVE:
        return "categories only"
    return f"{_bound(a.plausible_low)} – {_bound(a.plausible_high)}"


def _code(a: Analyte) -> str:
    system = "LOINC" if a.system == "http://loinc.org" else "local"
    others = f" (also {', '.join(a.alternate_codes)})" if a.alternate_codes else ""
    return f"{system} `{a.code}`{others}"


def analyte_table() -> str:
    rows = [
        "| analyte | name | canonical unit | offered units | plausible range (canonical) | code | molar mass |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in ANALYTES.values():
        offered = ", ".join(f"`{u}`" for u in a.unit_choices) or "—"
        aliases = ", ".join(f"`{k}`" for k in a.unit_aliases)
        if aliases:
            offered += f"; aliases {aliases} → `U/L`"
        mass = f"{a.molar_mass_g_per_mol:,g} g/mol".replace(",", " ") if a.molar_mass_g_per_mol else "—"
        rows.append(f"| `{a.id}` | {a.name} | `{a.canonical_unit}` | {offered} | {_range(a)} | {_code(a)} | {mass} |")
    return "\n".join(rows) + "\n"


def synonym_table() -> str:
    by_target: dict[str, list[str]] = {}
    for spelling, ucum in UNIT_SYNONYMS.items():
        if spelling != ucum:
            by_target.setdefault(ucum, []).append(spelling)
    rows = ["| UCUM | accepted spellings (any case, spaces ignored) |", "|---|---|"]
    for ucum in sorted(by_target, key=str.casefold):
        spellings = ", ".join(f"`{s}`" for s in by_target[ucum])
        rows.append(f"| `{ucum}` | {spellings} |")
    rows += ["", "Matched exactly as written (case matters):", "", "| spelling | UCUM |", "|---|---|"]
    rows += [f"| `{spelling}` | `{ucum}` |" for spelling, ucum in CASE_SENSITIVE_SYNONYMS.items()]
    return "\n".join(rows) + "\n"


BLOCKS = {"analytes": analyte_table, "synonyms": synonym_table}


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current rendering."""

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        return f"{match.group(1)}{BLOCKS[name]()}{match.group(4)}"

    return _BLOCK.sub(fill, text)


def block_names(text: str) -> list[str]:
    return [m.group("name") for m in _BLOCK.finditer(text)]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DOC
    text = path.read_text(encoding="utf-8")
    updated = render(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"updated {path}")


if __name__ == "__main__":
    main()
