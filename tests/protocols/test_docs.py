"""The worked examples in docs/protocols.md are real output of the current code.

Each example is marked ``<!-- checked: ARGS -->`` and followed by a ``text``
block holding ``$ remit ARGS`` and the output. Run this module with
``REMIT_WRITE_DOCS=1`` to rewrite the blocks after a deliberate change.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from remit.cli.app import app

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "protocols.md"
EXAMPLE = re.compile(r"<!-- checked: (?P<args>[^>]+) -->\n```text\n(?P<body>.*?)\n```", re.DOTALL)


def render(args: str) -> str:
    # the examples name case files relative to the repository root
    argv = [str(ROOT / a) if a.endswith(".yaml") else a for a in shlex.split(args)]
    result = CliRunner().invoke(app, argv, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return f"$ remit {args}\n{result.output.rstrip()}"


def examples() -> list[tuple[str, str]]:
    return [(m["args"], m["body"]) for m in EXAMPLE.finditer(DOC.read_text(encoding="utf-8"))]


def test_the_page_has_worked_examples() -> None:
    assert len(examples()) == 3


@pytest.mark.parametrize(("args", "body"), examples(), ids=[args.split()[2] for args, _ in examples()])
def test_worked_example_is_current_output(args: str, body: str) -> None:
    expected = render(args)
    if os.environ.get("REMIT_WRITE_DOCS") == "1" and body != expected:
        text = DOC.read_text(encoding="utf-8")
        marker = f"<!-- checked: {args} -->\n```text\n"
        DOC.write_text(text.replace(f"{marker}{body}\n```", f"{marker}{expected}\n```", 1), encoding="utf-8")
        return
    assert body == expected
