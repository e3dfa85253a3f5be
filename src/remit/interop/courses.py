"""Treatment courses from single exposures (FHIR MedicationAdministrations,
OMOP drug_exposure rows from another system).

Exposures of the same drug belong to one course while the gap between one
exposure's last day and the next one's first day is at most the OMOP
persistence window of 30 days - the convention the OHDSI drug-era derivation
uses (OMOP CDM v5.4 ETL conventions for DRUG_ERA; standards §A4, §B4). Within
a course a new dosing step starts whenever the amount or unit changes. For
administrations, the frequency of a step is read off the usual number of days
between its administrations (1 daily, 2 every other day, 7 weekly, 14 every
2 weeks, 28 every 4 weeks); a single administration is ``once``. An exposure
*period* of unknown frequency gives no dosing step: remit does not guess how
often a drug was given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason

PERSISTENCE_WINDOW = timedelta(days=30)

_GAP_FREQUENCY = {
    1: Frequency.DAILY,
    2: Frequency.EVERY_OTHER_DAY,
    7: Frequency.WEEKLY,
    14: Frequency.EVERY_2_WEEKS,
    28: Frequency.EVERY_4_WEEKS,
}


@dataclass(frozen=True, slots=True)
class Exposure:
    """One administration (``start == end``) or exposure period of a drug.
    ``frequency`` None means "infer from the spacing of administrations"."""

    where: str
    key: str
    drug: str
    start: date
    end: date
    amount: float | None = None
    unit: str | None = None
    frequency: Frequency | None = None
    route: Route | None = None
    stop_reason: StopReason | None = None


def group_exposures(exposures: Sequence[Exposure]) -> list[tuple[MedicationCourse, list[Exposure]]]:
    """Courses, each with the exposures it was built from (first one first)."""
    by_drug: dict[str, list[Exposure]] = {}
    for exposure in sorted(exposures, key=lambda x: (x.drug, x.start, x.end, x.key)):
        by_drug.setdefault(exposure.drug, []).append(exposure)
    courses: list[tuple[MedicationCourse, list[Exposure]]] = []
    for drug_exposures in by_drug.values():
        current: list[Exposure] = []
        for exposure in drug_exposures:
            if current and exposure.start - max(x.end for x in current) > PERSISTENCE_WINDOW:
                courses.append((_course(current), current))
                current = []
            current.append(exposure)
        if current:
            courses.append((_course(current), current))
    return sorted(courses, key=lambda pair: (pair[0].start, pair[0].id))


def _course(exposures: list[Exposure]) -> MedicationCourse:
    first = exposures[0]
    steps: list[list[Exposure]] = []
    for exposure in exposures:
        if exposure.amount is None or exposure.unit is None or not knows_frequency(exposure):
            continue
        if steps and (steps[-1][0].amount, steps[-1][0].unit, steps[-1][0].frequency) == (
            exposure.amount,
            exposure.unit,
            exposure.frequency,
        ):
            steps[-1].append(exposure)
        else:
            steps.append([exposure])
    doses = tuple(_dose(step) for step in steps)
    route = next((x.route for x in exposures if x.route is not None), Route.OTHER)
    return MedicationCourse(
        id=first.key,
        drug=first.drug,
        route=route,
        start=first.start,
        doses=doses,
        stop=max(x.end for x in exposures),
        stop_reason=exposures[-1].stop_reason,
    )


def knows_frequency(exposure: Exposure) -> bool:
    """Given, or inferable (single administrations)."""
    return exposure.frequency is not None or exposure.start == exposure.end


def _dose(step: list[Exposure]) -> Dose:
    first = step[0]
    assert first.amount is not None  # filtered by the caller
    assert first.unit is not None
    frequency = first.frequency
    count = None
    if frequency is None:
        count = len(step)
        gaps = Counter((b.start - a.start).days for a, b in pairwise(step))
        usual = gaps.most_common(1)[0][0] if gaps else None
        frequency = _GAP_FREQUENCY.get(usual, Frequency.ONCE) if usual is not None else Frequency.ONCE
    return Dose(start=first.start, amount=first.amount, unit=first.unit, frequency=frequency, count=count)
