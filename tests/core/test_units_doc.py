"""docs/units.md says what the code does: its generated tables are current, it
explains every analyte's plausibility limit, and the error messages it quotes
are the ones a user gets."""

from __future__ import annotations

import pytest

from remit.core.analytes import ANALYTES
from remit.core.measurements import measure
from remit.errors import RemitError
from tests.core.units_doc import BLOCKS, DOC, block_names, render

TEXT = DOC.read_text(encoding="utf-8")


def test_generated_tables_are_current() -> None:
    assert render(TEXT) == TEXT, "run `python -m tests.core.units_doc` to update docs/units.md"


def test_every_generated_block_is_present_once() -> None:
    assert sorted(block_names(TEXT)) == sorted(BLOCKS)


def test_every_analyte_limit_is_explained() -> None:
    reasons = TEXT.split("Why each limit:")[1].split("\n## ")[0]
    missing = [a for a in ANALYTES if f"**{a}**" not in reasons]
    assert not missing, f"docs/units.md gives no reason for the limits of {missing}"


ERRORS = [
    ("crp", "5", "furlongs"),
    ("crp", "5", "kg"),
    ("crp", "5", None),
    ("crp", "5", "IU/L"),
    ("platelets", "4", "x10^3/ml"),
    ("temperature", "104", "°C"),
    ("haemoglobin", "9.2", "g/L"),
    ("ferritin", "1,500", "ng/mL"),
    ("crp", "positive", "mg/L"),
    ("rheumatoid_factor", "12", None),
    ("crp", "abc", "mg/L"),
]


@pytest.mark.parametrize(("analyte_id", "value", "unit"), ERRORS, ids=[f"{a} {v} {u}" for a, v, u in ERRORS])
def test_quoted_error_is_the_real_one(analyte_id: str, value: str, unit: str | None) -> None:
    with pytest.raises(RemitError) as caught:
        measure(analyte_id, value, unit, field="observations[3].value")
    error = caught.value
    row = f"| `{error.code}` | `{error.field}` | {error.message} |"
    assert row in TEXT, f"docs/units.md should quote: {row}"
