"""The body measurements a dose is scaled by, with where they came from.

A per-kg dose check is only as good as the weight it used, so the weight (and
height, for m² doses) is kept with its date and source and shown in every
result: "21 kg (2024-03-01, 12 days before the check)".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from remit.core.doses import PerBody
from remit.core.intervals import Interval
from remit.core.record import Observation, PatientRecord
from remit.drugs.bsa import BsaFormula, body_surface_area


@dataclass(frozen=True, slots=True)
class BodyMeasure:
    """A weight (kg) or height (cm) and its provenance."""

    value: float
    unit: str
    measured_on: date | None = None
    source: str = "given"  # an observation id, or "given" for a calculator input
    days_from_check: int | None = None  # measured_on - check date (negative: before)

    def describe(self) -> str:
        text = f"{self.value:g} {self.unit}"
        if self.measured_on is None:
            return text
        days = self.days_from_check or 0
        when = (
            "on the day of the check"
            if days == 0
            else (f"{abs(days)} days {'before' if days < 0 else 'after'} the check")
        )
        return f"{text} ({self.measured_on.isoformat()}, {when}; {self.source})"

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "unit": self.unit,
            "date": self.measured_on.isoformat() if self.measured_on else None,
            "source": self.source,
            "days_from_check": self.days_from_check,
        }


@dataclass(frozen=True, slots=True)
class Body:
    weight: BodyMeasure | None = None
    height: BodyMeasure | None = None
    age_years: Interval | None = None  # (youngest, oldest) when the birth date is known only to the month
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER
    problems: tuple[str, ...] = ()  # why a measurement could not be used

    @property
    def weight_kg(self) -> float | None:
        return None if self.weight is None else self.weight.value

    @property
    def height_cm(self) -> float | None:
        return None if self.height is None else self.height.value

    @property
    def bsa_m2(self) -> float | None:
        if self.weight is None or self.height is None:
            return None
        return body_surface_area(self.weight.value, self.height.value, self.bsa_formula)

    def denominator(self, per: PerBody) -> float | None:
        """What a per-kg or per-m² dose is multiplied by (1 for a plain mg dose)."""
        if per is PerBody.KG:
            return self.weight_kg
        if per is PerBody.M2:
            return self.bsa_m2
        return 1.0

    def missing_for(self, per: PerBody) -> str:
        """Says what is missing to scale a dose ``per`` kg or m²."""
        if per is PerBody.KG:
            return "no usable weight recorded"
        missing = [name for name, m in (("weight", self.weight), ("height", self.height)) if m is None]
        return f"no usable {' or '.join(missing)} recorded for the body-surface area"

    def is_adult(self) -> bool:
        return self.age_years is not None and self.age_years.low >= 18


def body_from_record(record: PatientRecord, on: date, bsa_formula: BsaFormula = BsaFormula.MOSTELLER) -> Body:
    """Weight and height nearest to ``on`` (``PatientRecord.weight_on``) and
    the age on ``on``."""
    problems: list[str] = []
    weight = _measure(record.weight_on(on), on, "kg", problems)
    height = _measure(record.height_on(on), on, "cm", problems)
    age = None
    birth = record.patient.birth
    if birth is not None:
        youngest, oldest = birth.age_years(on)
        age = Interval(youngest, oldest)
    return Body(weight, height, age, bsa_formula, tuple(problems))


def _measure(observation: Observation | None, on: date, unit: str, problems: list[str]) -> BodyMeasure | None:
    if observation is None:
        return None
    value = observation.measurement.value
    if value is None:
        problems.append(
            f"{observation.analyte} {observation.measurement.describe()} on {observation.date} "
            "is not an exact value and was not used"
        )
        return None
    return BodyMeasure(value, unit, observation.date, observation.id, (observation.date - on).days)
