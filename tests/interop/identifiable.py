"""A patient full of direct identifiers, for the de-identification tests.

Every free-text field carries a marker string that must never appear in a
de-identified export; the patient id and the birth date are equally
distinctive. All dates lie within 40 days, so a date shift larger than that
can never map one real date onto another.
"""

from __future__ import annotations

from datetime import date, time

from remit.core.codes import ICD10CM, Coding
from remit.core.measurements import measure, reference_range
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    AdverseEvent,
    AdverseEventOutcome,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Genotype,
    Observation,
    Patient,
    PatientRecord,
    Relatedness,
    Sex,
)

PATIENT_ID = "MRN-4471-ZEBRA"
BIRTH = BirthDate(2009, 4, 17)
FREE_TEXT = {
    "patient": "Lives at 12 Quokka Lane",
    "ethnicity": "Xanaduvian",
    "diagnosis": "Told by Dr Quimby",
    "visit": "Mother Ophelia Thistlewood present",
    "source": "Letter from St Wombat hospital",
    "finding": "Seen by nurse Jubilee",
    "course": "Pharmacy Gallimaufry",
    "dose": "two puffs of Zanzibar",
    "episode": "At grandma Hortensia's",
    "adverse": "Reported by phone 0123-456789",
}
DATES = (
    date(2016, 7, 10),
    date(2016, 7, 11),
    date(2016, 7, 12),
    date(2016, 7, 16),
    date(2016, 7, 18),
    date(2016, 7, 23),
    date(2016, 7, 30),
    date(2016, 8, 6),
    date(2016, 8, 15),
    date(2016, 8, 19),
)
SPAN_DAYS = (max(DATES) - min(DATES)).days


def identifiable_record() -> PatientRecord:
    d = DATES
    return PatientRecord(
        patient=Patient(
            PATIENT_ID,
            "site-north",
            Sex.FEMALE,
            BIRTH,
            (Genotype("MEFV", "M694V"),),
            FREE_TEXT["ethnicity"],
            FREE_TEXT["patient"],
        ),
        diagnoses=(
            Diagnosis(
                "dx-2016-07-10-quimby",
                "sjia",
                d[0],
                codings=(Coding(ICD10CM, "M08.2", "free display Quimby"),),
                recorded=d[1],
                note=FREE_TEXT["diagnosis"],
            ),
        ),
        encounters=(
            Encounter(
                "visit-thistlewood",
                d[3],
                EncounterKind.BASELINE,
                weight=measure("weight", "22.7", "kg"),
                height=measure("height", "124", "cm"),
                note=FREE_TEXT["visit"],
            ),
            Encounter("admission-1", d[0], EncounterKind.ADMISSION, end=d[7]),
        ),
        observations=(
            Observation(
                "o-ferritin",
                measure("ferritin", ">2000", "ng/mL"),
                d[3],
                time(8, 30),
                "visit-thistlewood",
                FREE_TEXT["source"],
            ),
            Observation(
                "o-crp",
                measure("crp", "3.6", "mg/dL", reference=reference_range("crp", 0, 5, "mg/L")),
                d[5],
            ),
            Observation("o-rf", measure("rheumatoid_factor", "negative"), d[2]),
        ),
        findings=(
            Finding(
                "f-fever",
                "fever",
                d[0],
                True,
                d[4],
                measure("temperature", "39.2", "Cel"),
                (("pattern", "quotidian"),),
                "visit-thistlewood",
                FREE_TEXT["finding"],
            ),
        ),
        medications=(
            MedicationCourse(
                "m-anakinra",
                "anakinra",
                Route.SC,
                d[3],
                (
                    Dose(d[3], 2, "mg/kg/day", Frequency.DAILY, FREE_TEXT["dose"]),
                    Dose(d[6], 4, "mg/kg/day", Frequency.DAILY),
                ),
                d[9],
                StopReason.REMISSION,
                note=FREE_TEXT["course"],
            ),
        ),
        episodes=(Episode("ep-1", EpisodeKind.MAS, d[0], d[2], ("fever", "hepatomegaly"), note=FREE_TEXT["episode"]),),
        adverse_events=(
            AdverseEvent(
                "ae-1",
                "injection site reaction",
                d[5],
                d[6],
                relatedness=Relatedness.PROBABLE,
                outcome=AdverseEventOutcome.RECOVERED,
                drug="anakinra",
                note=FREE_TEXT["adverse"],
            ),
        ),
        diary=(DiaryDay(d[8], (("fever", True), ("skin_rash", False)), True),),
        follow_up=(d[0], d[9]),
    )
