"""Benchmark: ``evaluate_all`` for one patient with about 2,000 observations
over 5 years (monthly visits; target: median <= 5 ms). Results go to docs/benchmarks.md.

Run: ``.venv/bin/python benchmarks/evaluate_all.py`` (or ``make bench``).
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from remit.catalogue import evaluate_all
from remit.core.measurements import measure
from remit.core.medications import MedicationCourse, Route
from remit.core.record import (
    AIDAI_ITEMS,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Observation,
    Patient,
    PatientRecord,
    Sex,
)

LABS = {  # analyte: (unit, low, high)
    "crp": ("mg/L", 1, 200),
    "esr": ("mm/h", 2, 100),
    "ferritin": ("ng/mL", 20, 20000),
    "platelets": ("10*9/L", 50, 700),
    "wbc": ("10*9/L", 2, 30),
    "haemoglobin": ("g/L", 70, 150),
    "ast": ("U/L", 10, 400),
    "ldh": ("U/L", 150, 2000),
    "triglycerides": ("mg/dL", 50, 500),
    "fibrinogen": ("mg/dL", 100, 600),
    "neutrophils": ("10*9/L", 0.5, 20),
}


def build_patient(seed: int = 7) -> PatientRecord:
    rng = random.Random(seed)
    start = date(2015, 1, 1)
    observations = []
    findings = []
    encounters = []
    for visit in range(61):  # monthly clinic visits for 5 years; labs at the visit and mid-month
        day = start + timedelta(days=visit * 30)
        weight = measure("weight", f"{20 + visit * 0.3:.1f}", "kg")
        encounters.append(Encounter(f"e{visit}", day, EncounterKind.SCHEDULED, weight=weight))
        for offset in (0, 15):
            for analyte, (unit, low, high) in LABS.items():
                value = measure(analyte, f"{rng.uniform(low, high):.1f}", unit)
                observations.append(Observation(f"o{visit}-{offset}-{analyte}", value, day + timedelta(days=offset)))
        for k in range(7):  # temperature charted at home about twice a week
            value = measure("temperature", f"{rng.uniform(36.2, 39.8):.1f}", "Cel")
            observations.append(Observation(f"t{visit}-{k}", value, day + timedelta(days=4 * k)))
        for kind in (
            "fever",
            "evanescent_rash",
            "splenomegaly",
            "arthritis",
            "serositis",
            "generalised_lymphadenopathy",
            "uveitis",
        ):
            findings.append(Finding(f"f{visit}-{kind}", kind, day, rng.random() < 0.2))
        for analyte, value in (
            ("physician_global", rng.randint(0, 8)),
            ("patient_global", rng.randint(0, 8)),
            ("active_joint_count", rng.randint(0, 5)),
            ("morning_stiffness", rng.randint(0, 60)),
        ):
            unit = "min" if analyte == "morning_stiffness" else None
            observations.append(Observation(f"o{visit}-{analyte}", measure(analyte, str(value), unit), day))
    episodes = tuple(
        Episode(
            f"ep{i}",
            EpisodeKind.FEVER_ATTACK,
            start + timedelta(days=40 * i),
            start + timedelta(days=40 * i + 2),
            ("abdominal_pain",),
        )
        for i in range(40)
    )
    diary = tuple(
        DiaryDay(start + timedelta(days=d), tuple((item, rng.random() < 0.1) for item in AIDAI_ITEMS))
        for d in range(1700, 1826)
    )
    medications = (MedicationCourse("m1", "anakinra", Route.SC, start + timedelta(days=30)),)
    patient = Patient("bench", "site", Sex.FEMALE, BirthDate(2008, 3))
    return PatientRecord(
        patient,
        (Diagnosis("dx1", "sjia", start), Diagnosis("dx2", "fmf", start)),
        tuple(encounters),
        tuple(observations),
        tuple(findings),
        medications,
        episodes,
        (),
        diary,
    )


def _timed(
    run: Callable[[PatientRecord], object], repetitions: int, *, fresh: bool = False
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread's) milliseconds per repetition, each sorted.
    On the shared machine the wall clock includes the time other processes
    hold the cores; the CPU time does not, so it shows the work done.

    ``fresh``: each repetition gets a record built anew (same content, new
    objects; built outside the timer), so nothing the interpreter keeps per
    record object - the record's index, evidence and episode memos - is warm:
    a patient evaluated for the first time. Otherwise the same record object
    is evaluated again and again (the web app's case: its record cache hands
    the same object to every view of an unchanged record)."""
    timings = []
    cpu = []
    record = build_patient()
    for _ in range(repetitions):
        if fresh:
            record = build_patient()
        t0, c0 = time.perf_counter(), time.thread_time()
        run(record)
        cpu.append((time.thread_time() - c0) * 1000)
        timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings), sorted(cpu)


def _line(label: str, timed: tuple[list[float], list[float]]) -> str:
    timings, cpu = timed
    return (
        f"{label}: median {statistics.median(timings):.2f} ms, p95 {timings[int(len(timings) * 0.95)]:.2f} ms, "
        f"min {timings[0]:.2f} ms (CPU time: median {statistics.median(cpu):.2f} ms, min {cpu[0]:.2f} ms)"
    )


def main() -> None:
    record = build_patient()
    index = date(2019, 12, 31)
    n_obs = len(record.observations)
    results = evaluate_all(record, index)

    def plain(record: PatientRecord) -> None:
        evaluate_all(record, index)

    def with_explanations(record: PatientRecord) -> None:
        # what `remit evaluate --json` and the patient page ask for: every
        # result's decisive unknowns (computed on first access)
        for result in evaluate_all(record, index):
            result.decisive_unknowns  # noqa: B018

    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"observations: {n_obs}, instruments evaluated: {len(results)}")
    print(_line("evaluate_all, a record seen for the first time", _timed(plain, 200, fresh=True)))
    print(_line("evaluate_all, the same record again", _timed(plain, 200)))
    print(_line("evaluate_all + decisive unknowns, first time", _timed(with_explanations, 200, fresh=True)))
    print(_line("evaluate_all + decisive unknowns, same record again", _timed(with_explanations, 200)))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
