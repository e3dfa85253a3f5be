"""Small patient records for the web tests (test data, not clinical guidance)."""

from __future__ import annotations

from datetime import date

from remit.core.measurements import measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route
from remit.core.record import (
    BirthDate,
    Diagnosis,
    Encounter,
    EncounterKind,
    Finding,
    Observation,
    Patient,
    PatientRecord,
    Sex,
)

DAY = date(2024, 1, 10)


def sjia_patient(patient_id: str, site: str) -> PatientRecord:
    """sJIA on anakinra 2 mg/kg daily, one visit with a weight and a ferritin below the MAS threshold."""
    return PatientRecord(
        patient=Patient(patient_id, site, Sex.FEMALE, BirthDate(2016, 5, 17), note="test patient"),
        diagnoses=(Diagnosis("dx1", "sjia", date(2023, 12, 1)),),
        encounters=(Encounter("e1", DAY, EncounterKind.BASELINE, weight=measure("weight", "20", "kg")),),
        observations=(Observation("o1", measure("ferritin", "500", "ng/mL"), DAY, encounter="e1"),),
        findings=(Finding("f1", "fever", DAY, value=measure("temperature", "38.9", "Cel"), encounter="e1"),),
        medications=(
            MedicationCourse(
                "m1", "anakinra", Route.SC, DAY, (Dose(DAY, 2, "mg/kg", Frequency.DAILY),), indication="sjia"
            ),
        ),
    )
