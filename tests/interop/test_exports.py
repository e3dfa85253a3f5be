"""The statistician exports: REDCap CSV + dictionary, tidy CSVs, SPSS."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pyreadstat
import pytest

from remit.interop.deidentify import DeidentificationKeys, deidentify_all
from remit.interop.exports import DatasetFormat, write_dataset
from remit.interop.subjects import identified
from tests.interop.identifiable import PATIENT_ID, identifiable_record

AT = datetime(2024, 1, 1, tzinfo=UTC)
# REDCap's data dictionary header, transcribed from standards-and-libraries.md §A1.1.
REDCAP_HEADER = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def redcap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("redcap")
    write_dataset([identified(identifiable_record())], DatasetFormat.REDCAP, out, at=AT)
    return out


def test_redcap_data_starts_with_the_key_columns_and_has_a_bom(redcap: Path) -> None:
    raw = (redcap / "redcap_data.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert header(redcap / "redcap_data.csv")[:5] == [
        "record_id",
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "redcap_data_access_group",
    ]


def test_redcap_dictionary_has_the_18_columns_and_every_data_field(redcap: Path) -> None:
    with (redcap / "redcap_data_dictionary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == REDCAP_HEADER
    assert rows[1][:4] == ["record_id", "demographics", "", "text"]
    fields = {r[0]: r for r in rows[1:]}
    data_columns = header(redcap / "redcap_data.csv")
    for column in data_columns[5:]:
        name = column.split("___")[0]
        assert name in fields or column.endswith("_complete"), column
    assert fields["sex"][3:6] == ["dropdown", "Sex", "1, female | 2, male | 3, other | 4, unknown"]
    assert fields["lab_date"][7] == "date_ymd"
    assert fields["birth"][10] == "y"


def test_redcap_rows_are_per_event_and_repeat_instance(redcap: Path) -> None:
    rows = read_csv(redcap / "redcap_data.csv")
    baseline = rows[0]
    assert (baseline["record_id"], baseline["redcap_event_name"], baseline["redcap_repeat_instrument"]) == (
        PATIENT_ID,
        "baseline_arm_1",
        "",
    )
    assert baseline["visit_date"] == "2016-07-16"  # the baseline visit shares the baseline row
    assert baseline["demographics_complete"] == baseline["visit_complete"] == "2"
    assert baseline["redcap_data_access_group"] == "site_north"
    labs = [r for r in rows if r["redcap_repeat_instrument"] == "laboratory"]
    ferritin = next(r for r in labs if r["lab_entered"] == ">2000")
    assert (
        ferritin["redcap_event_name"],
        ferritin["lab_value"],
        ferritin["lab_comparator"],
        ferritin["lab_bound"],
    ) == (
        "baseline_arm_1",
        "",
        "1",
        "2000",
    )
    crp = next(r for r in labs if r["lab_entered"] == "3.6")
    assert (crp["lab_value"], crp["lab_unit"], crp["lab_unit_entered"], crp["redcap_event_name"]) == (
        "36",
        "mg/L",
        "mg/dL",
        "unscheduled_arm_1",
    )
    doses = [r for r in rows if r["redcap_repeat_instrument"] == "dose"]
    assert [r["redcap_repeat_instance"] for r in doses] == ["1", "2"]
    episode = next(r for r in rows if r["redcap_repeat_instrument"] == "episode")
    fever_code = 1  # the first finding kind in the dictionary
    assert episode[f"episode_features___{fever_code}"] == "1"
    assert baseline[f"episode_features___{fever_code}"] == ""  # not 0 on rows of other forms


def test_identified_export_keeps_identifiers_and_deidentified_drops_them(tmp_path: Path) -> None:
    record = identifiable_record()
    write_dataset([identified(record)], DatasetFormat.TIDY, tmp_path / "id", at=AT)
    keys = DeidentificationKeys.from_secret("an-example-secret-key-for-tests-only-0001")
    write_dataset(deidentify_all([record], keys), DatasetFormat.TIDY, tmp_path / "deid", at=AT)
    (shown,) = read_csv(tmp_path / "id" / "demographics.csv")
    (hidden,) = read_csv(tmp_path / "deid" / "demographics.csv")
    assert (shown["birth"], shown["age_at_index"]) == ("2009-04-17", "7.2")
    assert "birth" not in hidden
    assert "patient_note" not in hidden
    assert hidden["age_at_index"] == "7.2"
    assert "IDENTIFIED" in (tmp_path / "id" / "README.txt").read_text(encoding="utf-8")
    assert "DE-IDENTIFIED" in (tmp_path / "deid" / "README.txt").read_text(encoding="utf-8")


def test_tidy_tables_have_a_composite_key_and_long_checkboxes(tmp_path: Path) -> None:
    write_dataset([identified(identifiable_record())], DatasetFormat.TIDY, tmp_path, at=AT)
    findings = read_csv(tmp_path / "finding.csv")
    assert list(findings[0])[:3] == ["record_id", "event", "instance"]
    assert (findings[0]["finding_kind"], findings[0]["finding_present"]) == ("fever", "TRUE")
    features = read_csv(tmp_path / "episode__episode_features.csv")
    assert [f["value"] for f in features] == ["fever", "hepatomegaly"]
    variables = read_csv(tmp_path / "variables.csv")
    assert {"table": "episode__episode_features", "variable": "episode_features"}.items() <= next(
        v for v in variables if v["variable"] == "episode_features"
    ).items()


def test_spss_files_have_labels_value_labels_and_integer_formats(tmp_path: Path) -> None:
    write_dataset([identified(identifiable_record())], DatasetFormat.SPSS, tmp_path, at=AT)
    frame, meta = pyreadstat.read_sav(str(tmp_path / "dose.sav"))
    assert meta.column_names_to_labels["dose_amount"] == "Amount"
    assert meta.original_variable_types["dose_course"] == "F8.0"
    assert meta.original_variable_types["instance"] == "F8.0"
    assert meta.original_variable_types["dose_start"] == "DATE11"
    assert meta.variable_value_labels["dose_frequency"][5.0] == "daily"
    assert list(frame["dose_start"]) == [date(2016, 7, 16), date(2016, 7, 30)]
    frame, meta = pyreadstat.read_sav(str(tmp_path / "demographics.sav"))
    assert meta.variable_value_labels["sex"] == {1.0: "female", 2.0: "male", 3.0: "other", 4.0: "unknown"}
    assert frame["sex"][0] == 1.0
    assert meta.variable_measure["sex"] == "nominal"
