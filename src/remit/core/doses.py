"""Dose amounts as entered, read into milligrams per administration and per day.

A :class:`~remit.core.medications.Dose` keeps the unit exactly as the clinician wrote
it: ``mg``, ``1 g``, ``2 mg/kg/d``, ``25 mg/m2/week``, ``2 mg/kg/h`` for an
infusion. Dose checks and the pharmacokinetic simulator both need the same
reading of that unit, so it lives here, below both of them.

The grammar is deliberately small - a mass, optionally per kilogram of body
weight or per square metre of body surface, optionally per unit of time::

    mass [ "/" ("kg" | "m2") ] [ "/" (time | "dose") ]

Anything else is refused with a :class:`~remit.errors.UnitError` rather than
guessed at. Every scaling (g to mg, per week to per day) goes through
:func:`remit.core.units.convert`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from remit.core.medications import Dose, Frequency
from remit.core.units import convert, tidy
from remit.errors import UnitError

# Spellings of the parts of a dose unit -> UCUM.
_MASS = {"mg": "mg", "g": "g", "ug": "ug", "mcg": "ug", "µg": "ug", "μg": "ug", "gm": "g", "kg": "kg"}
_TIME = {
    "h": "h",
    "hr": "h",
    "hour": "h",
    "d": "d",
    "day": "d",
    "wk": "wk",
    "week": "wk",
    "w": "wk",
    "mo": "mo",
    "month": "mo",
}
_DOSE_WORDS = {"dose", "administration", "injection", "infusion", "joint"}


class PerBody(enum.Enum):
    """What a dose is scaled by."""

    NONE = "none"
    KG = "kg"  # per kilogram of body weight
    M2 = "m2"  # per square metre of body-surface area

    @property
    def suffix(self) -> str:
        return {PerBody.NONE: "", PerBody.KG: "/kg", PerBody.M2: "/m²"}[self]


@dataclass(frozen=True, slots=True)
class DoseUnit:
    """A parsed dose unit: ``mass`` (UCUM), what it is ``per``, and the length
    of its time denominator in hours (``None`` when the amount is per
    administration)."""

    text: str
    mass: str
    per: PerBody
    per_hours: float | None

    @property
    def mg_factor(self) -> float:
        """Milligrams in one ``mass`` unit."""
        return convert(1.0, self.mass, "mg")


def parse_dose_unit(unit: str) -> DoseUnit:
    """Read a dose unit as entered (``mg/kg/day``, ``g/m²``, ``mg/kg/h``)."""
    text = unit.strip()
    parts = [p for p in re.split(r"\s*/\s*", text.replace("²", "2").casefold()) if p]
    if not parts or "/" in text[:1]:
        raise UnitError(f"{unit!r} is not a dose unit; expected e.g. mg, g, mg/kg, mg/m2, mg/kg/day", field="unit")
    mass = _MASS.get(parts[0])
    if mass is None or mass == "kg":
        raise UnitError(f"{unit!r}: a dose starts with a mass (mg, g, ug), not {parts[0]!r}", field="unit")
    per = PerBody.NONE
    per_hours: float | None = None
    for part in parts[1:]:
        if part in ("kg",) and per is PerBody.NONE and per_hours is None:
            per = PerBody.KG
        elif part in ("m2", "m^2", "sqm") and per is PerBody.NONE and per_hours is None:
            per = PerBody.M2
        elif part in _DOSE_WORDS and per_hours is None:
            continue
        elif per_hours is None and _time_hours(part) is not None:
            per_hours = _time_hours(part)
        else:
            raise UnitError(
                f"{unit!r}: cannot read {part!r}; expected mass[/kg|/m2][/h|/day|/week|/dose]", field="unit"
            )
    return DoseUnit(text, mass, per, per_hours)


def _time_hours(part: str) -> float | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)?\s*([a-z]+)", part)
    if match is None:
        return None
    count = float(match.group(1) or 1)
    ucum = _TIME.get(match.group(2))
    if ucum is None:
        return None
    return count * convert(1.0, ucum, "h")


@dataclass(frozen=True, slots=True)
class DoseAmount:
    """A dose in milligrams (per kg or m² when it was entered so).

    ``per_administration`` is ``None`` for a continuous infusion; ``per_day``
    is the average over a day (a weekly dose of 25 mg/m² is 25/7 mg/m² per
    day); a single dose counts as given on one day.
    """

    per: PerBody
    per_administration: float | None
    per_day: float | None
    administrations_per_day: float | None
    unit: DoseUnit

    @property
    def per_week(self) -> float | None:
        return None if self.per_day is None else tidy(self.per_day * 7)

    @property
    def per_hour(self) -> float | None:
        return None if self.per_day is None else tidy(self.per_day / 24)


def dose_amount(dose: Dose) -> DoseAmount:
    """Milligrams per administration and per day of a dosing step.

    A unit with a time denominator is a total over that time, split evenly
    over the administrations (``2 mg/kg/day`` every 12 h is 1 mg/kg twice a
    day); a unit without one is the amount of each administration.
    """
    if dose.amount < 0:
        raise UnitError(f"a dose cannot be negative ({dose.amount:g} {dose.unit})", field="amount")
    unit = parse_dose_unit(dose.unit)
    mg = dose.amount * unit.mg_factor
    interval = dose.frequency.interval_hours
    if dose.frequency is Frequency.CONTINUOUS:
        if unit.per_hours is None:
            raise UnitError(f"a continuous infusion needs a rate such as mg/kg/h, not {dose.unit!r}", field="unit")
        return DoseAmount(unit.per, None, tidy(mg * 24 / unit.per_hours), None, unit)
    if interval is None:  # a single administration
        return DoseAmount(unit.per, tidy(mg), tidy(mg), 1.0, unit)
    per_day_count = 24 / interval
    if unit.per_hours is None:
        return DoseAmount(unit.per, tidy(mg), tidy(mg * per_day_count), tidy(per_day_count), unit)
    per_day = mg * 24 / unit.per_hours
    return DoseAmount(unit.per, tidy(per_day / per_day_count), tidy(per_day), tidy(per_day_count), unit)
