"""The demo case files the protocol tests use, and small edits of them.

Records are immutable, so edits are ``dataclasses.replace`` copies; loading is
cached because the YAML reader is the slow part.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from remit import casefiles
from remit.core.measurements import measure, reference_range
from remit.core.record import Observation, PatientRecord
from remit.demo import cohort_case_files, seed_case_files

PATIENT_1 = "003_mas_patient_1"
PATIENT_2 = "003_mas_patient_2"

# Day 0 (first anakinra dose) of the two patients of the 2009 abstract, as in their case files.
DAY_0 = {PATIENT_1: date(2008, 10, 11), PATIENT_2: date(2009, 2, 16)}


def seed_path(name: str) -> Path:
    return next(p for p in seed_case_files() if p.stem == name)


def cohort_path(patient: str) -> Path:
    return next(p for p in cohort_case_files() if p.stem == patient)


@cache
def seed(name: str) -> PatientRecord:
    return casefiles.load(seed_path(name))


@cache
def cohort(patient: str) -> PatientRecord:
    return casefiles.load(cohort_path(patient))


def day(name: str, n: int) -> date:
    return DAY_0[name] + timedelta(days=n)


def with_observations(record: PatientRecord, *observations: Observation) -> PatientRecord:
    return dataclasses.replace(record, observations=record.observations + observations)


def lab(obs_id: str, analyte: str, value: str, on: date, low: float, high: float, unit: str) -> Observation:
    """A value with its laboratory reference range."""
    ref = reference_range(analyte, low, high, unit)
    return Observation(obs_id, measure(analyte, value, unit, reference=ref), on)
