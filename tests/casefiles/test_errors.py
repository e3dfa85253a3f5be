"""Every problem in a case file is one CaseFileError naming the file and the exact path."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from remit.casefiles import load, parse
from remit.errors import CaseFileError, RemitError

PATIENT = {"id": "p1", "site": "site-a"}


def case(**sections: Any) -> dict[str, Any]:
    return {"format": "remit-case/1", "patient": PATIENT, **sections}


def observation(**fields: Any) -> dict[str, Any]:
    return {"id": "o1", "analyte": "crp", "value": "12", "unit": "mg/L", "date": "2020-01-02", **fields}


class Bad(NamedTuple):
    data: dict[str, Any]
    field: str
    says: str  # a fragment the message must contain


BAD = {
    "implausible-platelets-unit-slip": Bad(
        case(observations=[observation(analyte="platelets", value="4", unit="x10^3/ml")]),
        "observations[0].value",
        "plausible range 1-5000 10*9/L",
    ),
    "unknown-unit": Bad(
        case(observations=[observation(unit="mg/furlong")]), "observations[0].unit", "not a known unit"
    ),
    "unit-of-another-dimension": Bad(
        case(observations=[observation(unit="mm/h")]), "observations[0].unit", "cannot express C-reactive protein"
    ),
    "missing-unit": Bad(case(observations=[observation(unit=None)]), "observations[0].unit", "needs a unit"),
    "unknown-analyte": Bad(
        case(observations=[observation(analyte="ferritine")]), "observations[0].analyte", "unknown analyte 'ferritine'"
    ),
    "unreadable-value": Bad(case(observations=[observation(value="12..5")]), "observations[0].value", "'12..5'"),
    "positive-for-a-numeric-analyte": Bad(
        case(observations=[observation(value="positive")]), "observations[0].value", "low, normal or high"
    ),
    "yaml-boolean-as-value": Bad(case(observations=[observation(value=True)]), "observations[0].value", "quotes"),
    "day-n-without-day-zero": Bad(case(observations=[observation(date="day 3")]), "observations[0].date", "day_zero"),
    "not-a-calendar-date": Bad(case(observations=[observation(date="2020-02-30")]), "observations[0].date", "calendar"),
    "not-a-date-at-all": Bad(case(observations=[observation(date="last week")]), "observations[0].date", "day N"),
    "unknown-encounter": Bad(
        case(observations=[observation(encounter="e9")]), "observations[0].encounter", "no encounter with id 'e9'"
    ),
    "reference-range-upside-down": Bad(
        case(observations=[observation(reference_range={"low": 10, "high": 5, "unit": "mg/L"})]),
        "observations[0].reference_range.high",
        "below the lower limit",
    ),
    "reference-range-without-unit": Bad(
        case(observations=[observation(reference_range={"low": 0, "high": 5})]),
        "observations[0].reference_range.unit",
        "needs a unit",
    ),
    "unknown-finding": Bad(
        case(findings=[{"id": "f1", "kind": "feverish", "start": "2020-01-01"}]), "findings[0].kind", "unknown finding"
    ),
    "finding-attribute-not-allowed": Bad(
        case(findings=[{"id": "f1", "kind": "fever", "start": "2020-01-01", "attributes": {"colour": "red"}}]),
        "findings[0].attributes.colour",
        "allowed: pattern, site",
    ),
    "finding-without-a-value": Bad(
        case(findings=[{"id": "f1", "kind": "arthritis", "start": "2020-01-01", "value": {"value": "3"}}]),
        "findings[0].value",
        "carries no measured value",
    ),
    "implausible-fever-temperature": Bad(
        case(findings=[{"id": "f1", "kind": "fever", "start": "2020-01-01", "value": {"value": "104", "unit": "Cel"}}]),
        "findings[0].value.value",
        "plausible range",
    ),
    "finding-ends-before-it-starts": Bad(
        case(findings=[{"id": "f1", "kind": "fever", "start": "2020-01-05", "end": "2020-01-01"}]),
        "findings[0].end",
        "ends before it starts",
    ),
    "unknown-condition": Bad(case(diagnoses=[{"id": "d1", "condition": "still"}]), "diagnoses[0].condition", "still"),
    "unknown-aidai-item": Bad(
        case(diary=[{"date": "2020-01-01", "fevr": True}]), "diary[0].fevr", "expected one of: date, fever"
    ),
    "diary-day-twice": Bad(
        case(diary=[{"date": "2020-01-01", "fever": True}, {"date": "2020-01-01", "fever": False}]),
        "diary[1].date",
        "second diary entry",
    ),
    "duplicate-id-across-sections": Bad(
        case(
            observations=[observation(id="x1")],
            findings=[{"id": "x1", "kind": "fever", "start": "2020-01-01"}],
        ),
        "findings[0].id",
        "already used at observations[0]",
    ),
    "episode-feature-unknown": Bad(
        case(episodes=[{"id": "ep1", "kind": "flare", "start": "2020-01-01", "features": ["arthritis", "rash"]}]),
        "episodes[0].features[1]",
        "unknown finding 'rash'",
    ),
    "episode-kind-unknown": Bad(
        case(episodes=[{"id": "ep1", "kind": "attack", "start": "2020-01-01"}]), "episodes[0].kind", "'fever_attack'"
    ),
    "drug-id-with-spaces": Bad(
        case(medications=[{"id": "m1", "drug": "anakinra 100mg", "route": "subcutaneous", "start": "2020-01-01"}]),
        "medications[0].drug",
        "lower_snake_case",
    ),
    "dose-unit-not-a-mass": Bad(
        case(
            medications=[
                {
                    "id": "m1",
                    "drug": "anakinra",
                    "route": "subcutaneous",
                    "start": "2020-01-01",
                    "doses": [{"start": "2020-01-01", "amount": 100, "unit": "IU", "frequency": "daily"}],
                }
            ]
        ),
        "medications[0].doses[0].unit",
        "starts with a mass",
    ),
    "dose-before-the-course": Bad(
        case(
            medications=[
                {
                    "id": "m1",
                    "drug": "anakinra",
                    "route": "subcutaneous",
                    "start": "2020-01-05",
                    "doses": [{"start": "2020-01-01", "amount": 100, "unit": "mg", "frequency": "daily"}],
                }
            ]
        ),
        "medications[0].doses[0].start",
        "starts before the course",
    ),
    "course-stops-before-it-starts": Bad(
        case(
            medications=[{"id": "m1", "drug": "anakinra", "route": "oral", "start": "2020-01-05", "stop": "2020-01-01"}]
        ),
        "medications[0].stop",
        "stops before it starts",
    ),
    "route-unknown": Bad(
        case(medications=[{"id": "m1", "drug": "anakinra", "route": "sc", "start": "2020-01-05"}]),
        "medications[0].route",
        "'subcutaneous'",
    ),
    "missing-required-field": Bad(case(patient={"id": "p1"}), "patient.site", "required field is missing"),
    "misspelt-section": Bad(
        case(observation=[observation()]), "observation", "unknown field 'observation'; expected one of: format"
    ),
    "wrong-format-version": Bad({**case(), "format": "remit-case/2"}, "format", "'remit-case/2'"),
    "sex-not-in-the-list": Bad(case(patient={**PATIENT, "sex": "m"}), "patient.sex", "'female'"),
    "birth-with-a-bad-month": Bad(
        case(patient={**PATIENT, "birth": "2010-13"}), "patient.birth", "'2010-13' is not a calendar month"
    ),
    "id-read-as-a-number": Bad(case(patient={"id": 17, "site": "s"}), "patient.id", "put it in quotes"),
    "follow-up-backwards": Bad(
        case(follow_up={"start": "2021-01-01", "end": "2020-01-01"}), "follow_up.end", "ends before it starts"
    ),
    "adverse-event-seriousness-unknown": Bad(
        case(adverse_events=[{"id": "a1", "term": "rash", "onset": "2020-01-01", "serious": ["severe"]}]),
        "adverse_events[0].serious[0]",
        "'hospitalisation'",
    ),
}


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
def test_error_names_file_and_path(tmp_path: Path, bad: Bad) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(bad.data, sort_keys=False), encoding="utf-8")
    with pytest.raises(CaseFileError) as caught:
        load(path)
    error = caught.value
    assert (error.file, error.field) == (str(path), bad.field)
    assert bad.says in error.message
    assert str(error).startswith(f"{path}:{bad.field}: ")


def test_parse_reports_the_given_source() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse(case(observations=[observation(unit="furlong")]), source="upload: case 7")
    assert caught.value.file == "upload: case 7"
    assert caught.value.to_dict() == {
        "code": "case_file_error",
        "message": caught.value.message,
        "field": "observations[0].unit",
    }


def test_several_schema_problems_are_listed_together() -> None:
    data = case(observations=[observation(date=None), observation(id="o2", value=[1])])
    with pytest.raises(CaseFileError) as caught:
        parse(data, source="t")
    assert caught.value.field == "observations[0].date"
    assert "also 1 more: observations[1].value" in caught.value.message


def test_case_file_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown analyte"):
        parse(case(observations=[observation(analyte="nope")]), source="t")


RAW = {
    "invalid-yaml": ("case.yaml", "format: remit-case/1\npatient: {id: p1, site: [unclosed\n", "not valid YAML: line"),
    "yaml-duplicate-key": (
        "case.yaml",
        "format: remit-case/1\npatient:\n  id: p1\n  site: a\n  site: b\n",
        "line 5, column 3: the key 'site' is written twice",
    ),
    "unquoted-yaml-time": (
        "case.yaml",
        "format: remit-case/1\npatient: {id: p1, site: a}\nobservations:\n"
        "  - {id: o1, analyte: crp, value: '3', unit: mg/L, date: 2020-01-01, time: 14:30}\n",
        'put it in quotes, e.g. time: "14:30"',
    ),
    "invalid-json": ("case.json", '{"format": "remit-case/1", "patient": {', "not valid JSON: line 1"),
    "json-duplicate-key": (
        "case.json",
        '{"format": "remit-case/1", "patient": {"id": "p1", "site": "a"}, "format": "remit-case/1"}',
        "the key 'format' is written twice",
    ),
    "top-level-list": ("case.yaml", "- format: remit-case/1\n", "a mapping of sections"),
    "unsupported-extension": ("case.txt", "format: remit-case/1\n", "use .yaml, .yml or .json"),
}


@pytest.mark.parametrize(("name", "text", "says"), RAW.values(), ids=RAW.keys())
def test_unreadable_files_name_the_file(tmp_path: Path, name: str, text: str, says: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as caught:
        load(path)
    assert caught.value.file == str(path)
    assert says in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(CaseFileError, match="cannot read the file") as caught:
        load(path)
    assert caught.value.file == str(path)


def test_every_error_is_a_case_file_error_not_a_core_error(tmp_path: Path) -> None:
    """Core errors (UnitError, ImplausibleValueError ...) are translated, so a
    caller catching CaseFileError sees every problem with its file."""
    path = tmp_path / "case.json"
    path.write_text(
        '{"format": "remit-case/1", "patient": {"id": "p1", "site": "a"}, "encounters": '
        '[{"id": "e1", "date": "2020-01-01", "weight": {"value": "4000", "unit": "kg"}}]}',
        encoding="utf-8",
    )
    with pytest.raises(RemitError) as caught:
        load(path)
    assert type(caught.value) is CaseFileError
    assert caught.value.field == "encounters[0].weight.value"
