"""Medication courses: the drug, route and dosing steps of a course, and why it stopped.

Part of the patient record (:mod:`remit.core.record` holds the courses and
re-exports these types); kept apart because dosing is its own concept, read by
the drug checks and the outcome derivations. Units of a dose are data here, as
entered; :mod:`remit.drugs` normalises them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class Route(enum.Enum):
    SC = "subcutaneous"
    IV = "intravenous"
    ORAL = "oral"
    IM = "intramuscular"
    INTRA_ARTICULAR = "intra-articular"
    OTHER = "other"


class Frequency(enum.Enum):
    """How often a dose is given. ``per_day`` is the number of administrations
    per day on average (a week has 7 days); ``None`` for single doses."""

    ONCE = "once"
    EVERY_6H = "every 6 h"
    EVERY_8H = "every 8 h"
    EVERY_12H = "every 12 h"
    DAILY = "daily"
    EVERY_OTHER_DAY = "every other day"
    TWICE_WEEKLY = "twice weekly"
    WEEKLY = "weekly"
    EVERY_2_WEEKS = "every 2 weeks"
    EVERY_4_WEEKS = "every 4 weeks"
    EVERY_8_WEEKS = "every 8 weeks"
    MONTHLY = "monthly"
    CONTINUOUS = "continuous"

    @property
    def interval_hours(self) -> float | None:
        return _INTERVAL_HOURS[self]


_INTERVAL_HOURS: dict[Frequency, float | None] = {
    Frequency.ONCE: None,
    Frequency.EVERY_6H: 6,
    Frequency.EVERY_8H: 8,
    Frequency.EVERY_12H: 12,
    Frequency.DAILY: 24,
    Frequency.EVERY_OTHER_DAY: 48,
    Frequency.TWICE_WEEKLY: 84,
    Frequency.WEEKLY: 168,
    Frequency.EVERY_2_WEEKS: 336,
    Frequency.EVERY_4_WEEKS: 672,
    Frequency.EVERY_8_WEEKS: 1344,
    Frequency.MONTHLY: 730.5,  # 365.25 d / 12
    Frequency.CONTINUOUS: None,
}


@dataclass(frozen=True, slots=True)
class Dose:
    """One dosing step of a course, from ``start`` until the next step.

    ``unit`` is the UCUM-style unit of the amount *as entered*: ``mg``, ``g``,
    ``mg/kg``, ``mg/m2``, ``g/m2``, ``mg/kg/h`` ... The drug module normalises
    it against a weight or surface area on a date; here it is only data.
    ``text`` keeps what was typed ("2 mg/kg/d s.c.").
    """

    start: date
    amount: float
    unit: str
    frequency: Frequency
    text: str | None = None
    count: int | None = None  # number of administrations, for pulses ("1 g daily x 3")


class StopReason(enum.Enum):
    INEFFICACY = "inefficacy"
    ADVERSE_EVENT = "adverse_event"
    REMISSION = "remission"
    INJECTION_DIFFICULTY = "injection_difficulty"
    PATIENT_CHOICE = "patient_choice"
    COMPLETED = "completed"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class MedicationCourse:
    id: str
    drug: str  # drug catalogue id (anakinra, methotrexate, ...)
    route: Route
    start: date
    doses: tuple[Dose, ...] = ()
    stop: date | None = None
    stop_reason: StopReason | None = None
    switched_to: str | None = None  # drug id the patient was switched to
    indication: str | None = None  # condition id
    note: str | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.stop is None or day <= self.stop)

    def dose_on(self, day: date) -> Dose | None:
        """The dosing step in force on ``day`` (None outside the course)."""
        if not self.active_on(day):
            return None
        current = None
        for dose in self.doses:  # the latest step started on or before ``day``, whatever the tuple order
            if dose.start <= day and (current is None or dose.start >= current.start):
                current = dose
        return current
