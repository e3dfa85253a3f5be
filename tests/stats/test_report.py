"""The report files: contents, provenance, and byte-for-byte reproducibility apart from the date."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from remit import __version__, catalogue
from remit.core.record import PatientRecord
from remit.outcomes import get_cohort
from remit.rules.serialize import content_hash
from remit.stats.report import Report, build_report, snapshot_hash, write_report
from tests.outcomes.conftest import expected_rows

FIRST, SECOND = date(2024, 5, 1), date(2025, 6, 2)
DATED = {"report.html", "report.docx", "provenance.json"}


@pytest.fixture(scope="module")
def small_report(cohort_records: list[PatientRecord]) -> Report:
    return build_report(cohort_records, get_cohort("anakinra-2021"), course_figures=["c21-01", "c21-12"])


@pytest.fixture(scope="module")
def written(small_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    write_report(small_report, out, generated=FIRST)
    return out


def test_every_file_is_written(written: Path) -> None:
    names = {p.name for p in written.iterdir()}
    assert {
        "report.html",
        "report.docx",
        "outcomes.csv",
        "provenance.json",
        "explanations.json",
        "attrition.csv",
        "table1.csv",
        "table2.csv",
        "table3.csv",
        "table4.csv",
        "table4_globals.csv",
        "table5.csv",
        "retention.csv",
        "retention_reasons.csv",
        "kinetics.csv",
    } <= names


def test_outcomes_csv_equals_the_independent_design(written: Path) -> None:
    with (written / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "patient_id",
        "diagnosis_group",
        "diagnosis",
        "timepoint_months",
        "response",
        "remission",
        "on_index_drug",
        "switched_to",
        "switch_reason",
    ]
    got = {(r["patient_id"], r["timepoint_months"]): r for r in rows}
    assert len(got) == 66
    for design in expected_rows():
        switch_day = int(design["switch_day"]) if design["switch_day"] else None
        for month, nominal_day in ((3, 91), (12, 365)):
            row = got[(design["patient_id"], str(month))]
            assert (row["response"], row["remission"], row["on_index_drug"]) == (
                design[f"response_month_{month}"],
                design[f"remission_month_{month}"],
                design[f"on_anakinra_month_{month}"],
            )
            switched = switch_day is not None and switch_day < nominal_day
            assert row["switched_to"] == (design["switched_to"] if switched else "")
            assert row["switch_reason"] == (design["switch_reason"] if switched else "")
            assert row["diagnosis"] == design["diagnosis"]
            assert row["diagnosis_group"] == ("sjia" if design["diagnosis"] == "sjia" else "said")


def test_provenance_names_the_instruments_the_data_and_the_parameters(
    written: Path, cohort_records: list[PatientRecord]
) -> None:
    record = json.loads((written / "provenance.json").read_text(encoding="utf-8"))
    assert record["remit_version"] == __version__
    assert record["generated"] == FIRST.isoformat()
    instruments = {i["id"]: i for i in record["instruments"]}
    for instrument_id in ("acr_cid_2011", "jadas10"):
        definition = catalogue.get(instrument_id)
        assert instruments[instrument_id]["version"] == definition.version
        assert instruments[instrument_id]["content_hash"] == content_hash(definition)
    assert {"said_inactive_2021", "attacks_3m", "aidai_before_visit", "on_biologic"} <= set(instruments)
    assert record["data"]["snapshot_hash"] == snapshot_hash(cohort_records)
    assert record["data"]["members"] == 33
    assert record["parameters"]["improvement_greater_than"] == 0.5
    assert record["cohort"]["name"] == "anakinra-2021"
    for name, digest in record["files"].items():
        assert digest == "sha256:" + hashlib.sha256((written / name).read_bytes()).hexdigest()


def test_the_html_is_self_contained_with_embedded_figures(written: Path) -> None:
    html = (written / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 3  # the Kaplan-Meier curve and two course figures
    assert all(base64.b64decode(i).startswith(b"<?xml") for i in images)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html
    for heading in ("Table 1.", "Table 2.", "Table 3.", "Table 4.", "Table 5.", "Drug retention"):
        assert heading in html


def test_the_docx_holds_the_tables_and_the_date(written: Path) -> None:
    document = Document(str(written / "report.docx"))
    assert len(document.tables) == 10
    assert document.tables[4].rows[1].cells[0].text == "Complete responders"  # attrition, tables 1-3, table 4
    assert document.core_properties.created is not None
    assert document.core_properties.created.date() == FIRST


def test_the_same_data_give_the_same_files_apart_from_the_date(
    small_report: Report, cohort_records: list[PatientRecord], tmp_path: Path
) -> None:
    again = build_report(cohort_records, get_cohort("anakinra-2021"), course_figures=["c21-01", "c21-12"])
    first, same_day, other_day = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_report(small_report, first, generated=FIRST)
    write_report(again, same_day, generated=FIRST)
    write_report(again, other_day, generated=SECOND)
    names = sorted(p.name for p in first.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (same_day / name).read_bytes(), name
        if name not in DATED:
            assert (first / name).read_bytes() == (other_day / name).read_bytes(), name
    for name in ("report.html", "provenance.json"):
        assert (first / name).read_text(encoding="utf-8") != (other_day / name).read_text(encoding="utf-8")
        assert _undated(first / name) == _undated(other_day / name)
    assert _docx_parts(first / "report.docx") == _docx_parts(other_day / "report.docx")


def _undated(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace(FIRST.isoformat(), "DATE").replace(SECOND.isoformat(), "DATE")


def _docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {
            info.filename: archive.read(info.filename)
            .replace(FIRST.isoformat().encode(), b"DATE")
            .replace(SECOND.isoformat().encode(), b"DATE")
            for info in archive.infolist()
        }
