"""A hand-built patient record that uses every field the storage layer keeps.

Each kind of value appears at least once: exact, converted, censored and
qualitative measurements, reference ranges (canonical, on observations,
encounters and finding values), a time of day, a received code, attributes
of every type (on the episode), multi-step dosing, a set of seriousness
criteria, diary days with unanswered items. It is also a valid case file
(``parse(dump(r)) == r``). Numbers are test data, not clinical guidance.
"""

from __future__ import annotations

from datetime import date, time

from remit.core.codes import ICD10CM, LOINC, SNOMED, Coding
from remit.core.conditions import CONDITIONS
from remit.core.measurements import measure, reference_range
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    AdverseEvent,
    AdverseEventOutcome,
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
    Relatedness,
    SeriousCriterion,
    Sex,
    Zygosity,
)


def full_record(patient_id: str = "p-full", *, site: str = "site-a") -> PatientRecord:
    platelet_range = reference_range("platelets", 150, 450, "x10^3/uL", source="laboratory")
    return PatientRecord(
        patient=Patient(
            id=patient_id,
            site=site,
            sex=Sex.FEMALE,
            birth=BirthDate(2012, 4),
            genotypes=(
                Genotype("MEFV", "M694V", Zygosity.HETEROZYGOUS, GenotypeClass.NOT_CONFIRMATORY),
                Genotype("MEFV", "E148Q", Zygosity.HETEROZYGOUS),
            ),
            ethnicity="not recorded [sic]",
            note="hand-built test record",
        ),
        diagnoses=(
            Diagnosis(
                "dx2",
                "sjia",
                date(2019, 1, 3),
                DiagnosisStatus.ACTIVE,
                (Coding(ICD10CM, "M08.2", "systemic onset"), Coding(SNOMED, "201796004")),
                recorded=date(2019, 1, 20),
                note="first diagnosis listed second on purpose",
            ),
            Diagnosis("dx1", "mas", date(2019, 2, 1), DiagnosisStatus.RESOLVED, CONDITIONS["mas"].codings),
        ),
        encounters=(
            Encounter(
                "e1",
                date(2019, 1, 20),
                EncounterKind.ADMISSION,
                weight=measure("weight", "52", "lb"),
                height=measure("height", "1.21", "m"),
                end=date(2019, 2, 10),
                note="admitted",
            ),
            Encounter(
                "e2",
                date(2019, 5, 1),
                EncounterKind.SCHEDULED,
                month=3,
                weight=measure("weight", "24.5", "kg", reference=reference_range("weight", 20, 30, "kg")),
            ),
        ),
        observations=(
            Observation("o1", measure("crp", "12", "mg/dl"), date(2019, 1, 20), time(8, 30), "e1"),
            Observation("o2", measure("ferritin", ">2000", "ng/mL"), date(2019, 1, 20), source="report p.3"),
            Observation("o3", measure("platelets", "low", None, reference=platelet_range), date(2019, 1, 21)),
            Observation("o4", measure("platelets", "181", "x10^3/uL", reference=platelet_range), date(2019, 1, 22)),
            Observation("o5", measure("triglycerides", "3.1", "mmol/L"), date(2019, 1, 22)),
            Observation("o6", measure("esr", "<2", "mm/h"), date(2019, 1, 23), code=Coding(LOINC, "4537-7", "ESR")),
            Observation("o7", measure("ana", "negative"), date(2019, 1, 23)),
            Observation("o8", measure("physician_global", "7"), date(2019, 5, 1), encounter="e2"),
            Observation("o9", measure("temperature", "102.2", "°F"), date(2019, 1, 20), time(22, 5, 7)),
        ),
        findings=(
            Finding(
                "f1",
                "fever",
                date(2019, 1, 3),
                True,
                date(2019, 1, 25),
                measure("temperature", ">=39", "Cel"),
                (("pattern", "quotidian"), ("site", "axillary")),
            ),
            Finding(
                "f2",
                "arthritis",
                date(2019, 1, 20),
                attributes=(("joints", "both knees, left ankle"),),
                encounter="e1",
            ),
            Finding(
                "f3",
                "hepatomegaly",
                date(2019, 1, 20),
                value=measure(
                    "liver_below_costal_margin",
                    "3",
                    "cm",
                    reference=reference_range("liver_below_costal_margin", 0, 1, "cm", source="assumed"),
                ),
            ),
            Finding("f4", "uveitis", date(2019, 5, 1), present=False, note="slit lamp"),
        ),
        medications=(
            MedicationCourse(
                "m1",
                "anakinra",
                Route.SC,
                date(2019, 1, 25),
                (
                    Dose(date(2019, 1, 25), 2, "mg/kg", Frequency.DAILY, "2 mg/kg/d"),
                    Dose(date(2019, 2, 15), 4, "mg/kg", Frequency.DAILY),
                    Dose(date(2019, 4, 1), 100, "mg", Frequency.EVERY_OTHER_DAY, count=None),
                ),
                stop=date(2019, 9, 1),
                stop_reason=StopReason.REMISSION,
                indication="sjia",
                note="tapered",
            ),
            MedicationCourse(
                "m2",
                "methylprednisolone",
                Route.IV,
                date(2019, 1, 21),
                (Dose(date(2019, 1, 21), 30, "mg/kg", Frequency.DAILY, "pulse", count=3),),
                stop=date(2019, 1, 23),
                stop_reason=StopReason.COMPLETED,
                switched_to="prednisolone",
            ),
        ),
        episodes=(
            Episode(
                "ep1",
                EpisodeKind.MAS,
                date(2019, 2, 1),
                date(2019, 2, 9),
                ("petechial_rash", "hepatomegaly"),
                (("max_temperature_c", 40.1), ("icu", False), ("transfusions", 2), ("site", "ward")),
                192.5,
                "MAS",
            ),
            Episode("ep2", EpisodeKind.FLARE, date(2019, 8, 1)),
        ),
        adverse_events=(
            AdverseEvent(
                "ae1",
                "pneumonia",
                date(2019, 3, 1),
                date(2019, 3, 12),
                frozenset({SeriousCriterion.HOSPITALISATION, SeriousCriterion.LIFE_THREATENING}),
                Relatedness.POSSIBLE,
                AdverseEventOutcome.RECOVERED,
                "anakinra",
                "treated with antibiotics",
            ),
            AdverseEvent("ae2", "injection site reaction", date(2019, 1, 27)),
        ),
        diary=(
            DiaryDay(date(2019, 6, 2), (("fever", True), ("skin_rash", False), ("headaches", True)), pain_relief=True),
            DiaryDay(date(2019, 6, 1), (("abdominal_pain", False),)),
            DiaryDay(date(2019, 6, 3), ()),
        ),
        follow_up=(date(2019, 1, 3), date(2019, 12, 31)),
    )
