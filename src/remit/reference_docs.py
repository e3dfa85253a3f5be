"""Reference documentation generated from the code.

``docs/instruments/`` (one page per instrument plus an index) is written from
the catalogue definitions, so what the docs say is what the engine evaluates.
The test suite regenerates the pages in memory and fails when the committed
files differ; run ``python -m remit.reference_docs`` (or ``make docs``) after
changing a definition.
"""

from __future__ import annotations

import sys
from pathlib import Path

from remit.catalogue import INSTRUMENTS
from remit.rules.render import describe
from remit.rules.serialize import content_hash


def instrument_pages() -> dict[str, str]:
    """Relative path (under ``docs/``) -> Markdown text."""
    pages = {f"instruments/{c.id}.md": describe(c) for c in INSTRUMENTS.values()}
    rows = [
        "# Instruments",
        "",
        "Generated from `src/remit/catalogue/` by `python -m remit.reference_docs`; do not edit by hand.",
        "Every result carries the instrument id, version and content hash below.",
        "",
        "| id | title | kind | verification | citation | hash |",
        "|---|---|---|---|---|---|",
    ]
    for c in INSTRUMENTS.values():
        doi = f"[doi:{c.citation.doi}](https://doi.org/{c.citation.doi})" if c.citation.doi else "no DOI"
        rows.append(
            f"| [`{c.id}`]({c.id}.md) | {c.title} | {c.kind.value} | {c.verification.value} | {doi} "
            f"| `{content_hash(c)[7:19]}` |"
        )
    pages["instruments/README.md"] = "\n".join(rows) + "\n"
    return pages


def write(docs_dir: Path) -> list[Path]:
    written = []
    for relative, text in instrument_pages().items():
        path = docs_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    keep = {docs_dir / relative for relative in instrument_pages()}
    for stale in (docs_dir / "instruments").glob("*.md"):
        if stale not in keep:
            stale.unlink()
            written.append(stale)
    return written


def main() -> None:
    docs_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    for path in write(docs_dir):
        print(f"updated {path}")


if __name__ == "__main__":
    main()
