"""Patient records for dose-check tests, built directly from core types.

Weights that the seed case reports do not give are stated where they are
assumed; they are test inputs, not clinical data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from remit.core.measurements import measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route
from remit.core.record import (
    BirthDate,
    Diagnosis,
    Encounter,
    Patient,
    PatientRecord,
    Sex,
)


def course(
    drug: str,
    amount: float,
    unit: str,
    frequency: Frequency = Frequency.DAILY,
    *,
    route: Route = Route.SC,
    start: date = date(2011, 1, 1),
    indication: str | None = "sjia",
    course_id: str = "c1",
    steps: Sequence[tuple[date, float, str, Frequency]] = (),
    stop: date | None = None,
) -> MedicationCourse:
    doses = (Dose(start, amount, unit, frequency), *tuple(Dose(d, a, u, f) for d, a, u, f in steps))
    return MedicationCourse(course_id, drug, route, start, doses, stop=stop, indication=indication)


def record(
    *courses: MedicationCourse,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    measured: date = date(2011, 1, 1),
    birth: BirthDate | None = None,
    diagnoses: Sequence[str] = (),
    sex: Sex = Sex.FEMALE,
) -> PatientRecord:
    encounters = ()
    if weight_kg is not None or height_cm is not None:
        encounters = (
            Encounter(
                "enc1",
                measured,
                weight=None if weight_kg is None else measure("weight", weight_kg, "kg"),
                height=None if height_cm is None else measure("height", height_cm, "cm"),
            ),
        )
    return PatientRecord(
        Patient("p1", "site1", sex, birth),
        diagnoses=tuple(Diagnosis(f"dx{i}", c) for i, c in enumerate(diagnoses)),
        encounters=encounters,
        medications=courses,
    )
