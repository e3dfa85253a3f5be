"""Small hand-built records for the cohort and derivation rules (test data, not clinical guidance)."""

from __future__ import annotations

from datetime import date, timedelta

from remit.core.measurements import measure, reference_range
from remit.core.medications import MedicationCourse, Route, StopReason
from remit.core.record import (
    AdverseEvent,
    AdverseEventOutcome,
    BirthDate,
    Diagnosis,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Observation,
    Patient,
    PatientRecord,
    SeriousCriterion,
    Sex,
)

START = date(2018, 1, 10)


def course(
    drug: str = "anakinra",
    start: date = START,
    stop: date | None = None,
    *,
    reason: StopReason | None = None,
    switched_to: str | None = None,
    indication: str | None = None,
    course_id: str | None = None,
) -> MedicationCourse:
    return MedicationCourse(
        course_id or f"m-{drug}-{start.isoformat()}",
        drug,
        Route.SC,
        start,
        stop=stop,
        stop_reason=reason,
        switched_to=switched_to,
        indication=indication,
    )


def record(
    patient_id: str = "p1",
    *,
    conditions: tuple[str, ...] = ("fmf",),
    medications: tuple[MedicationCourse, ...] = (course(),),
    follow_up_days: int = 400,
    died_on: date | None = None,
    encounters: tuple[Encounter, ...] = (),
    observations: tuple[Observation, ...] = (),
    episodes: tuple[Episode, ...] = (),
) -> PatientRecord:
    adverse = ()
    if died_on is not None:
        adverse = (
            AdverseEvent(
                "ae-death",
                "death",
                died_on,
                serious_criteria=frozenset({SeriousCriterion.DEATH}),
                outcome=AdverseEventOutcome.FATAL,
            ),
        )
    return PatientRecord(
        patient=Patient(patient_id, "test", Sex.FEMALE, BirthDate(2010, 5)),
        diagnoses=tuple(Diagnosis(f"dx-{c}", c, onset=START - timedelta(days=200)) for c in conditions),
        medications=medications,
        encounters=encounters,
        observations=observations,
        episodes=episodes,
        adverse_events=adverse,
        follow_up=(START - timedelta(days=120), START + timedelta(days=follow_up_days)),
    )


def attacks(*days_from_start: int) -> tuple[Episode, ...]:
    """Two-day fever attacks starting on the given days (relative to START)."""
    return tuple(
        Episode(f"ep-{d}", EpisodeKind.FEVER_ATTACK, START + timedelta(days=d), START + timedelta(days=d + 1))
        for k, d in enumerate(days_from_start)
    )


def assessment(
    day: int,
    *,
    physician_global: float = 0,
    crp: float = 2,
    esr: float = 10,
    kind: EncounterKind = EncounterKind.UNSCHEDULED,
    month: int | None = None,
) -> tuple[Encounter, tuple[Observation, ...]]:
    """A visit ``day`` days after START with a physician global, CRP and ESR (reference 0-5 mg/L, 0-20 mm/h)."""
    when = START + timedelta(days=day)
    encounter = Encounter(f"e-{day}", when, kind, month=month)
    crp_range = reference_range("crp", 0, 5, "mg/L", source="assumed")
    esr_range = reference_range("esr", 0, 20, "mm/h", source="assumed")
    observations = (
        Observation(f"o-pga-{day}", measure("physician_global", physician_global), when, encounter=encounter.id),
        Observation(f"o-crp-{day}", measure("crp", crp, "mg/L", reference=crp_range), when, encounter=encounter.id),
        Observation(f"o-esr-{day}", measure("esr", esr, "mm/h", reference=esr_range), when, encounter=encounter.id),
    )
    return encounter, observations
