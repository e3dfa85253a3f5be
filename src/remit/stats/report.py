"""The research report: every table and figure of a cohort, from patient records.

Service-free: :func:`build_report` takes records (from case files, a database
or a test) and a cohort definition; :func:`write_report` writes the files:

* ``report.html`` — self-contained (figures embedded as base64 SVG);
* ``report.docx`` — the tables with their notes;
* one CSV per table (``table1.csv`` … ``table5.csv``, ``attrition.csv``,
  ``retention.csv``, ``retention_reasons.csv``, ``kinetics.csv``, and the
  numeric ``table2_values.csv``, ``table3_values.csv``);
* ``outcomes.csv`` — one row per patient and time point;
* ``explanations.json`` — every derived outcome with its explanation;
* ``provenance.json`` — remit version, instrument ids, versions and content
  hashes, the data snapshot hash, the parameters and the date.

Two runs on the same data write identical files except for the date, which
appears in ``report.html``, ``report.docx`` (its core properties and title
page) and ``provenance.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from remit import __version__
from remit.casefiles import dump
from remit.core.record import PatientRecord
from remit.outcomes import Cohort, OutcomeParameters, derive
from remit.outcomes.definitions import AIDAI_BEFORE_VISIT, ARTHRITIS
from remit.rules.serialize import content_hash
from remit.stats.compare import TABLE2_MEASURES, TABLE3_MEASURES, PairedComparison, ResponderComparison
from remit.stats.course import CoursePlot
from remit.stats.dataset import (
    OUTCOME_COLUMNS,
    Analysis,
    globals_frame,
    measures_frame,
    outcomes_frame,
    paired_frame,
    patients_frame,
    retention_frame,
)
from remit.stats.describe import Table1
from remit.stats.efficacy import DiagnosisOutcomes, EfficacySafety
from remit.stats.figures import svg
from remit.stats.formatting import fmt, quartiles
from remit.stats.retention import DrugRetention

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as the report is built (the CLI draws a bar with it)."""

LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "lifelines", "tableone", "matplotlib", "python-docx")


@dataclass
class Report:
    """Everything the report shows, built once and written by :func:`write_report`."""

    title: str
    analysis: Analysis
    table1: Table1
    table2: PairedComparison
    table3: ResponderComparison
    table4: EfficacySafety
    table5: DiagnosisOutcomes
    retention: DrugRetention
    kinetics: pd.DataFrame
    outcomes: pd.DataFrame
    figures: dict[str, str] = field(default_factory=dict)  # name -> SVG text
    course_plots: dict[str, CoursePlot] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def tables(self) -> list[tuple[str, str, pd.DataFrame, tuple[str, ...], tuple[str, ...]]]:
        """(file stem, title, table, notes, caveats) in report order."""
        a = self.analysis
        month = max(a.params.time_points, default=12)
        return [
            (
                "attrition",
                "Cohort selection (attrition)",
                a.selection.summary,
                (a.selection.cohort.description,) if a.selection.cohort.description else (),
                (),
            ),
            (
                "table1",
                "Table 1. Demographic and clinical characteristics",
                self.table1.summary,
                self.table1.notes_,
                self.table1.caveats_,
            ),
            (
                "table2",
                "Table 2. Outcome parameters before and after treatment, per group",
                self.table2.summary,
                self.table2.notes_,
                self.table2.caveats_,
            ),
            (
                "table3",
                f"Table 3. Baseline parameters of complete responders vs partial/non-responders at month "
                f"{self.table3.month}",
                self.table3.summary,
                self.table3.notes_,
                self.table3.caveats_,
            ),
            (
                "table4",
                "Table 4. Efficacy and safety outcomes of the index drug",
                self.table4.summary,
                self.table4.notes_,
                self.table4.caveats_,
            ),
            (
                "table4_globals",
                "Table 4 (continued). Global assessments at baseline and at the last assessment",
                self.table4.globals_,
                ("Median [IQR] (linear-interpolation quartiles) and range, scale 0-10.",),
                (),
            ),
            (
                "table5",
                f"Table 5. Responses and switches at month {month} per diagnosis",
                self.table5.summary,
                self.table5.notes_,
                self.table5.caveats_,
            ),
            (
                "kinetics",
                "Time to fever resolution and to CRP normalisation",
                self.kinetics,
                (
                    "Days from the first dose of the index drug to the first day recorded afebrile "
                    "(patients febrile at the start) and to the first CRP within the reference range "
                    "(while on the index drug).",
                ),
                (),
            ),
            (
                "retention",
                "Drug retention (Kaplan–Meier)",
                self.retention.summary,
                self.retention.notes_,
                self.retention.caveats_,
            ),
            ("retention_reasons", "Reasons for stopping the index drug", self.retention.reasons_, (), ()),
        ]


def build_report(
    records: Iterable[PatientRecord],
    cohort: Cohort,
    params: OutcomeParameters | None = None,
    *,
    course_figures: str | Sequence[str] = "all",
    title: str | None = None,
    source: str = "",
    progress: Progress | None = None,
) -> Report:
    """Select the cohort, derive the outcomes, fit every table and draw every figure."""
    tick = progress or _silent
    pool = sorted(records, key=lambda r: r.patient.id)
    chosen = params or OutcomeParameters()
    selection = cohort.select(pool)
    derived = []
    for k, member in enumerate(selection.members):
        tick("deriving outcomes", k, len(selection.members))
        derived.append(derive(member, chosen))
    tick("deriving outcomes", len(derived), len(selection.members))
    analysis = Analysis(selection, chosen, tuple(derived))
    tick("fitting the tables", 0, 6)
    table1 = Table1().fit(patients_frame(analysis))
    tick("fitting the tables", 1, 6)
    table2 = PairedComparison(TABLE2_MEASURES).fit(paired_frame(analysis, _names(TABLE2_MEASURES)))
    tick("fitting the tables", 2, 6)
    month = max(chosen.time_points, default=12)
    table3 = ResponderComparison(TABLE3_MEASURES, month=month).fit(_responder_frame(analysis, month))
    tick("fitting the tables", 3, 6)
    outcomes = outcomes_frame(analysis)
    table4 = EfficacySafety().fit(outcomes, globals_frame(analysis))
    table5 = DiagnosisOutcomes(month=month, order=cohort.diagnoses).fit(outcomes)
    tick("fitting the tables", 4, 6)
    retention = DrugRetention(drug=cohort.index_drug).fit(retention_frame(analysis))
    tick("fitting the tables", 5, 6)
    kinetics = _kinetics(analysis)
    tick("fitting the tables", 6, 6)
    report = Report(
        title or cohort.title,
        analysis,
        table1,
        table2,
        table3,
        table4,
        table5,
        retention,
        kinetics,
        outcomes,
        source=source,
    )
    report.figures["retention"] = svg(retention.plot().figure)
    wanted = (
        [m.patient_id for m in analysis.selection.members]
        if course_figures == "all"
        else []
        if course_figures == "none"
        else list(course_figures)
    )
    for k, patient_id in enumerate(wanted):
        tick("drawing course figures", k, len(wanted))
        plot = CoursePlot(anchor_drug=cohort.index_drug).fit(analysis.member(patient_id).record)
        report.course_plots[patient_id] = plot
        report.figures[f"course-{patient_id}"] = svg(plot.plot()[0].figure)
    tick("drawing course figures", len(wanted), len(wanted))
    report.provenance = provenance(pool, analysis, source=source)
    return report


def _silent(stage: str, done: int, total: int) -> None:
    """No progress display."""


def _names(measures: dict[str, tuple[str, ...]] | Any) -> list[str]:
    return list(dict.fromkeys(n for names in measures.values() for n in names))


def _responder_frame(analysis: Analysis, month: int) -> pd.DataFrame:
    frame = measures_frame(analysis, _names(TABLE3_MEASURES), when="baseline")
    complete = {o.patient_id: o.at(month).response.value.value == "complete" for o in analysis.outcomes}
    frame["responder"] = frame["patient_id"].map(complete).astype(bool)
    return frame


def _kinetics(analysis: Analysis) -> pd.DataFrame:
    rows = []
    series = (
        ("Fever resolution (days)", [o.fever_resolution_days.value for o in analysis.outcomes]),
        ("CRP normalisation (days)", [o.crp_normal_days.value for o in analysis.outcomes]),
    )
    for label, found in series:
        values = [float(v) for v in found if v is not None]
        q1, q2, q3 = quartiles(values)
        rows.append(
            {
                "measure": label,
                "n": len(values),
                "of": len(analysis.outcomes),
                "median": fmt(q2, 1) if values else "NA",
                "IQR": f"{fmt(q1, 1)}–{fmt(q3, 1)}" if values else "NA",
                "range": f"{min(values):g}–{max(values):g}" if values else "NA",
            }
        )
    return pd.DataFrame(rows)


def snapshot_hash(records: Iterable[PatientRecord]) -> str:
    """``sha256:<hex>`` of the records' canonical case-file form, in patient-id order."""
    data = [dump(r) for r in sorted(records, key=lambda r: r.patient.id)]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def provenance(records: Sequence[PatientRecord], analysis: Analysis, *, source: str = "") -> dict[str, Any]:
    """What produced the report (the date is added when it is written)."""
    definitions = {d.id: d for d in (*analysis.params.definitions(), AIDAI_BEFORE_VISIT, ARTHRITIS)}
    return {
        "remit_version": __version__,
        "cohort": analysis.selection.cohort.to_dict(),
        "parameters": analysis.params.to_dict(),
        "instruments": [
            {
                "id": d.id,
                "version": d.version,
                "title": d.title,
                "verification": d.verification.value,
                "content_hash": content_hash(d),
            }
            for d in sorted(definitions.values(), key=lambda d: d.id)
        ],
        "data": {
            "source": source,
            "records": len(records),
            "members": len(analysis.selection.members),
            "snapshot_hash": snapshot_hash(records),
        },
        "statistics": {
            "table1": "tableone.TableOne: median [Q1,Q3] for continuous, n (%) for categorical; no tests",
            "table2": "scipy.stats.wilcoxon(zero_method='wilcox', correction=False), exact for <= 50 non-zero "
            "differences without ties, otherwise method='approx'; Shapiro-Wilk on the differences",
            "table3": "scipy.stats.mannwhitneyu(alternative='two-sided'; exact when both groups <= 8 and no ties, "
            "else asymptotic with continuity correction); scipy.stats.fisher_exact(two-sided)",
            "retention": "lifelines.KaplanMeierFitter, every stop of the index drug is an event",
        },
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - every library is a dependency
        return "not installed"


def write_report(report: Report, out: Path, *, generated: date) -> list[Path]:
    """Write every file of the report into ``out`` (created if needed); returns the paths written."""
    from remit.stats.html import render_html
    from remit.stats.word import render_docx

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: str | bytes) -> None:
        path = out / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="\n")
        else:
            path.write_bytes(data)
        written.append(path)

    hashes: dict[str, str] = {}
    for stem, _, table, _, _ in report.tables():
        text = table.to_csv(index=False, lineterminator="\n")
        put(f"{stem}.csv", text)
        hashes[f"{stem}.csv"] = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    for stem, frame in (
        ("table2_values", report.table2.results_),
        ("table3_values", report.table3.results_),
        ("outcomes", report.outcomes[list(OUTCOME_COLUMNS)]),
    ):
        text = frame.to_csv(index=False, lineterminator="\n")
        put(f"{stem}.csv", text)
        hashes[f"{stem}.csv"] = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    put("explanations.json", json.dumps(explanations(report.analysis), indent=1, ensure_ascii=False) + "\n")
    put("report.html", render_html(report, generated))
    put("report.docx", render_docx(report, generated))
    record = {**report.provenance, "generated": generated.isoformat(), "files": hashes}
    put("provenance.json", json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return written


def explanations(analysis: Analysis) -> list[dict[str, Any]]:
    """Every derived outcome of every member with its explanation (explanations.json)."""
    rows = []
    for member, outcome in analysis.pairs():
        rows.append(
            {
                "patient_id": member.patient_id,
                "diagnosis": member.diagnosis,
                "group": member.group,
                "index_date": member.index_date.isoformat(),
                "timepoints": [
                    {
                        "month": t.month,
                        "when": t.when.isoformat(),
                        "assessment": t.assessment.isoformat() if t.assessment else None,
                        "how": t.how,
                        "response": {"value": t.response.value.value, **t.response.because.to_dict()},
                        "remission": {"value": t.remission.value.value, **t.remission.because.to_dict()},
                        "on_index_drug": {"value": t.on_index_drug.value, **t.on_index_drug.because.to_dict()},
                    }
                    for t in outcome.timepoints
                ],
                "switch": None
                if outcome.switch is None
                else {
                    "drug": outcome.switch.drug,
                    "reason": outcome.switch.reason,
                    "day": outcome.switch.day,
                    **outcome.switch.because.to_dict(),
                },
                "fever_resolution_days": {
                    "value": outcome.fever_resolution_days.value,
                    **outcome.fever_resolution_days.because.to_dict(),
                },
                "crp_normal_days": {
                    "value": outcome.crp_normal_days.value,
                    **outcome.crp_normal_days.because.to_dict(),
                },
                "treatment_emergent_adverse_events": outcome.treatment_emergent.because.to_dict(),
                "serious_adverse_events_in_follow_up": outcome.serious_in_follow_up.because.to_dict(),
            }
        )
    return rows
