"""Load the language-neutral conformance vignettes (YAML) into patient records.

A vignette is a small patient described relative to its index date (``day: -2``
is two days before it), an index date, and the expected result. The same files
are run against every engine: the per-patient interpreter here, and the
compiled screening backends (DuckDB, PostgreSQL, Spark) in the screening tests.

Format (one file per instrument, ``tests/conformance/criteria/<id>.yaml``)::

    instrument: mas_2016
    cases:
      - name: ferritin exactly 684 is not met
        source: criteria.md §4 worked example 2
        index_date: 2020-01-10           # default 2020-01-10
        baseline_day: -90                # optional: baseline date relative to index
        patient: {sex: male, birth: 2010-05}
        follow_up: {start_day: -400, end_day: 0}   # optional data coverage
        diagnoses: [sjia]                # condition ids, or {condition, onset_day, status}
        genotypes: [{gene: MEFV, variant: M694V, zygosity: homozygous, classification: confirmatory}]
        encounters: [{day: -180, kind: scheduled}]
        observations: [{analyte: ferritin, value: "684", unit: ng/mL, day: 0,
                        reference_range: {low: 0, high: 5, unit: mg/L}}]
        findings: [{kind: fever, day: 0, end_day: 3, present: true, value: "39", unit: Cel,
                    attributes: {pattern: quotidian}}]
        episodes: [{kind: fever_attack, day: -30, end_day: -29, duration_hours: 36,
                    features: [abdominal_pain], attributes: {max_temperature_c: 38.6}}]
        medications: [{drug: anakinra, day: -200, stop_day: null}]
        diary: [{day: -3, fever: true, abdominal_pain: true}]
        expect:
          status: not_met                # met | not_met | indeterminate
          score: 256                     # optional, exact
          score_bounds: [180, 290]       # optional
          category: high                 # optional
          nodes: {ferritin: not_met}     # optional: local node id -> status
          decisive_unknowns_contain: [AST]   # optional substrings
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from remit.core.measurements import measure, reference_range
from remit.core.medications import MedicationCourse, Route, StopReason
from remit.core.record import (
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    DiaryDay,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Genotype,
    GenotypeClass,
    Observation,
    Patient,
    PatientRecord,
    Sex,
    Zygosity,
)

CRITERIA_DIR = Path(__file__).parent / "criteria"
DEFAULT_INDEX = date(2020, 1, 10)


@dataclass(frozen=True)
class Vignette:
    instrument: str
    name: str
    source: str
    record: PatientRecord
    index_date: date
    baseline_date: date | None
    expect: dict[str, Any]


def _day(index: date, value: int | None) -> date | None:
    return None if value is None else index + timedelta(days=int(value))


def build_record(case: dict[str, Any], index: date) -> PatientRecord:
    pdata = case.get("patient", {})
    birth = None
    if "birth" in pdata:
        parts = [int(p) for p in str(pdata["birth"]).split("-")]
        birth = BirthDate(parts[0], parts[1], parts[2] if len(parts) > 2 else None)
    genotypes = tuple(
        Genotype(
            g["gene"],
            g.get("variant", "?"),
            Zygosity(g.get("zygosity", "unknown")),
            GenotypeClass(g.get("classification", "unknown")),
        )
        for g in case.get("genotypes", [])
    )
    patient = Patient("vignette", "test", Sex(pdata.get("sex", "unknown")), birth, genotypes)
    diagnoses = []
    for i, dx in enumerate(case.get("diagnoses", [])):
        if isinstance(dx, str):
            diagnoses.append(Diagnosis(f"dx{i}", dx))
        else:
            diagnoses.append(
                Diagnosis(
                    f"dx{i}",
                    dx["condition"],
                    _day(index, dx.get("onset_day")),
                    DiagnosisStatus(dx.get("status", "active")),
                )
            )
    encounters = tuple(
        Encounter(f"e{i}", _day(index, e["day"]) or index, EncounterKind(e.get("kind", "unscheduled")), e.get("month"))
        for i, e in enumerate(case.get("encounters", []))
    )
    observations = []
    for i, o in enumerate(case.get("observations", [])):
        ref = None
        if "reference_range" in o:
            r = o["reference_range"]
            ref = reference_range(o["analyte"], r.get("low"), r.get("high"), r.get("unit"))
        m = measure(o["analyte"], o["value"], o.get("unit"), reference=ref)
        observations.append(Observation(f"o{i}", m, _day(index, o.get("day", 0)) or index))
    findings = []
    for i, f in enumerate(case.get("findings", [])):
        kind = f["kind"]
        value = None
        if "value" in f:
            from remit.core.findings import finding_kind

            value = measure(finding_kind(kind).value_analyte or "", f["value"], f.get("unit"))
        findings.append(
            Finding(
                f"f{i}",
                kind,
                _day(index, f.get("day", 0)) or index,
                f.get("present", True),
                _day(index, f.get("end_day")),
                value,
                tuple((f.get("attributes") or {}).items()),
            )
        )
    episodes = tuple(
        Episode(
            f"ep{i}",
            EpisodeKind(e["kind"]),
            _day(index, e["day"]) or index,
            _day(index, e.get("end_day")),
            tuple(e.get("features", [])),
            tuple((e.get("attributes") or {}).items()),
            e.get("duration_hours"),
        )
        for i, e in enumerate(case.get("episodes", []))
    )
    medications = tuple(
        MedicationCourse(
            f"m{i}",
            m["drug"],
            Route(m.get("route", "subcutaneous")),
            _day(index, m["day"]) or index,
            (),
            _day(index, m.get("stop_day")),
            StopReason(m["stop_reason"]) if m.get("stop_reason") else None,
        )
        for i, m in enumerate(case.get("medications", []))
    )
    diary = tuple(
        DiaryDay(_day(index, d["day"]) or index, tuple((k, bool(v)) for k, v in d.items() if k != "day"))
        for d in case.get("diary", [])
    )
    follow_up = None
    if "follow_up" in case:
        fu = case["follow_up"]
        follow_up = (_day(index, fu["start_day"]) or index, _day(index, fu["end_day"]) or index)
    return PatientRecord(
        patient,
        tuple(diagnoses),
        encounters,
        tuple(observations),
        tuple(findings),
        medications,
        episodes,
        (),
        diary,
        follow_up,
    )


def load_vignettes(path: Path) -> list[Vignette]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    instrument = data["instrument"]
    vignettes = []
    for case in data["cases"]:
        index = case.get("index_date", DEFAULT_INDEX)
        if isinstance(index, str):
            index = date.fromisoformat(index)
        baseline = _day(index, case.get("baseline_day"))
        vignettes.append(
            Vignette(
                instrument,
                case["name"],
                case.get("source", ""),
                build_record(case, index),
                index,
                baseline,
                case["expect"],
            )
        )
    return vignettes


def all_vignettes() -> list[Vignette]:
    found: list[Vignette] = []
    for path in sorted(CRITERIA_DIR.glob("*.yaml")):
        found.extend(load_vignettes(path))
    return found
