"""What the cohort generator decides for one patient, and the patient's time line.

Day numbers are relative to the anakinra start (day 0). Weight and height follow
median growth for age and sex (WHO/CDC 50th centiles, rounded) scaled by a
per-patient factor, so a child keeps its centile through follow-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from remit.demo.cohort_design import Role

YEAR = 365.25
_WEIGHT = {
    4: (16.3, 15.9),
    5: (18.4, 17.9),
    6: (20.7, 20.2),
    7: (22.9, 22.4),
    8: (25.3, 25.0),
    9: (28.1, 28.2),
    10: (31.4, 31.9),
    11: (35.3, 36.0),
    12: (39.8, 40.5),
    13: (45.0, 45.3),
    14: (50.8, 49.4),
    15: (56.0, 52.0),
    16: (61.0, 54.0),
}
_HEIGHT = {
    4: (103, 102),
    5: (110, 109),
    6: (116, 115),
    7: (122, 121),
    8: (128, 127),
    9: (133, 133),
    10: (138, 138),
    11: (143, 144),
    12: (149, 151),
    13: (156, 157),
    14: (164, 160),
    15: (170, 162),
    16: (174, 163),
}


def _for_age(table: Mapping[int, tuple[float, float]], age: float, sex: str) -> float:
    low = min(max(int(age), 4), 15)
    column = 0 if sex == "male" else 1
    a, b = table[low][column], table[low + 1][column]
    return a + (b - a) * (age - low)


@dataclass(frozen=True, slots=True)
class Plan:
    """One patient's role plus the values decided for the whole cohort at once."""

    role: Role
    patient_id: str
    start: date  # anakinra start, day 0
    end_day: int  # last day of follow-up (the day of death for the patient who died)
    birth: date  # exact; the file keeps year and month only
    visit3: int
    visit12: int
    fever_days: int | None  # first afebrile day; None if the fever did not resolve on anakinra
    crp_days: int | None  # day of the first normal CRP; None if it was not normal in the first week
    globals0: tuple[int, int]  # physician and patient global at baseline
    baseline: Mapping[str, float]  # Table 2 values at baseline (and the AIDAI for SAIDs)
    after: Mapping[str, float]  # Table 2 values at the month-12 assessment
    size: float  # weight-for-age factor
    stature: float  # height-for-age factor

    def day(self, n: int) -> date:
        return self.start + timedelta(days=n)

    def relative(self, when: date) -> int:
        return (when - self.start).days

    def age(self, n: int) -> float:
        return (self.day(n) - self.birth).days / YEAR

    def weight(self, n: int) -> float:
        """Body weight in kg on day ``n``, to 0.1 kg."""
        return round(_for_age(_WEIGHT, self.age(n), self.role.sex) * self.size, 1)

    def height(self, n: int) -> float:
        """Body height in cm on day ``n``, to 1 cm."""
        return float(round(_for_age(_HEIGHT, self.age(n), self.role.sex) * self.stature))
