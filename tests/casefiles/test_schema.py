"""The JSON Schema is generated from the models, committed, and agrees with the reader."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from remit.casefiles.documents import decode
from remit.casefiles.schema import DiaryEntry, json_schema
from remit.core.record import AIDAI_ITEMS

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "docs" / "reference" / "case-file.schema.json"
EXAMPLE = ROOT / "docs" / "case-file-example.yaml"
REGENERATE = ".venv/bin/python -m remit.casefiles.schema > docs/reference/case-file.schema.json"


def generated_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def example_data() -> dict[str, Any]:
    data = decode(EXAMPLE.read_text(encoding="utf-8"), "yaml", source=str(EXAMPLE))
    assert isinstance(data, dict)
    return data


def test_committed_schema_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == generated_text(), f"the JSON Schema is stale; run: {REGENERATE}"


def test_schema_module_prints_the_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "remit.casefiles.schema"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout == generated_text()
    assert result.stderr == ""


def test_diary_fields_are_the_aidai_items_in_order() -> None:
    assert tuple(DiaryEntry.model_fields) == ("date", *AIDAI_ITEMS, "pain_relief")


def test_example_is_valid_against_the_json_schema() -> None:
    jsonschema.Draft202012Validator(json_schema()).validate(example_data())


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("patient", "nickname"), "Bob"),
        (("observations", 0, "date"), "8th March"),
        (("medications", 0, "route"), "by mouth"),
        (("findings", 0, "kind"), "feverish"),
    ],
    ids=["unknown-field", "bad-date", "bad-route", "unknown-finding"],
)
def test_json_schema_rejects_what_the_reader_rejects(path: tuple[str | int, ...], value: str) -> None:
    data = copy.deepcopy(example_data())
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json_schema()).validate(data)


def test_casefiles_imports_no_storage_or_interface_frameworks() -> None:
    code = (
        "import sys, remit.casefiles as c; c.load; c.dump; "
        "print(sorted(m for m in ('sqlalchemy', 'typer', 'fastapi') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
