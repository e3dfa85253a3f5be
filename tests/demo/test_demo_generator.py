"""The cohort generator is deterministic, the committed files are current, and the
written design (CSV and docs table) matches the generator's design."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from remit.demo import cohort
from remit.demo.draw import Draw
from remit.demo.moments import Spread, fit, sample_mean, sample_sd
from remit.demo.yamltext import Quoted, render
from tests.demo.conftest import HERE

DOCS = Path(__file__).parents[2] / "docs" / "demo-data.md"


def test_generation_is_deterministic() -> None:
    assert cohort.generate() == cohort.generate()


def test_committed_cohort_files_are_current() -> None:
    assert cohort.stale() == [], "run: python -m remit.demo.cohort"


def test_stale_reports_a_changed_file(tmp_path: Path) -> None:
    cohort.write(tmp_path)
    (tmp_path / "c21-01.yaml").write_text("changed\n", encoding="utf-8")
    (tmp_path / "extra.yaml").write_text("extra\n", encoding="utf-8")
    assert cohort.stale(tmp_path) == ["c21-01.yaml", "extra.yaml"]
    assert cohort.main(["--check", "--directory", str(tmp_path)]) == 1


def test_expected_outcomes_csv_is_the_design() -> None:
    assert (HERE / "expected_outcomes.csv").read_text(encoding="utf-8") == cohort.expected_csv()


def test_docs_show_the_designed_outcome_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert cohort.expected_markdown() in text, "paste: python -m remit.demo.cohort --expected-markdown"


def test_case_files_hold_no_outcome_fields() -> None:
    for text in cohort.generate().values():
        assert not re.search(r"\b(response|remission|responder)\b\s*:", text)


def test_fit_reproduces_mean_sd_and_subgroup_means() -> None:
    values = fit(Draw(1), Spread(91.3, 32.8, 0.1), [(35.0, 175.0)] * 11, [range(7), range(7, 11)], [84.0, 104.2])
    assert round(sample_mean(values), 1) == 91.3
    assert sample_sd(values) == pytest.approx(32.8, abs=0.01)
    assert sample_mean(values[:7]) == pytest.approx(84.0, abs=0.1)
    assert all(35 <= v <= 175 for v in values)


def test_fit_refuses_impossible_bounds() -> None:
    with pytest.raises(ValueError, match="cannot sum"):
        fit(Draw(1), Spread(100, 10, 1), [(0.0, 50.0)] * 5)


def test_yaml_text_quotes_measured_values_and_reserved_words() -> None:
    text = render(
        {
            "format": "remit-case/1",
            "patient": {"id": "p1", "site": "no"},
            "observations": [{"id": "o1", "value": Quoted("13.40"), "unit": "10*3/uL"}],
        }
    )
    assert 'site: "no"' in text
    assert 'value: "13.40", unit: "10*3/uL"' in text
