"""The committed figure of docs/pk.md exists and its script is beside it."""

from __future__ import annotations

from pathlib import Path

FIGURES = Path(__file__).resolve().parents[2] / "docs" / "figures"


def test_the_pk_figure_and_its_script_are_committed() -> None:
    assert (FIGURES / "pk-21kg-2mgkg.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "pk-21kg-2mgkg.png" in (FIGURES / "make_pk_figure.py").read_text(encoding="utf-8")
