"""Dose rules as data: one indication-specific dosing statement of one source.

A rule is a transcription of one row of ``../shared/reference/drugs.md`` -
"sJIA: 2-4 mg/kg once daily, initial max 100 mg/day; escalate to max 200 mg/day"
- into fields the checker can compare against, plus the text it came from and
its :class:`~remit.core.provenance.Provenance`. Nothing is computed here; the
checker (:mod:`remit.drugs.checks`) and the calculator (:mod:`remit.drugs.calc`)
read these fields.

Vocabulary:

* ``basis`` - what the numbers are per: mg/kg/day, mg/m²/week, a fixed mg/dose...
* ``usual`` - the usual (starting or maintenance) range in the basis unit.
* ``maximum`` - the highest dose the source allows, in the basis unit.
* ``caps`` - absolute mg limits per dose, day or week. A *usual* cap clips the
  usual range ("initial max 100 mg/day"); a *maximum* cap is a hard ceiling.
* ``weight_kg`` / ``age_years`` - where the rule applies: a licence floor
  ("≥8 months and ≥10 kg") or a dosing band ("<30 kg: 12 mg/kg").
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from remit.core.doses import PerBody
from remit.core.intervals import Interval
from remit.core.medications import Frequency, Route
from remit.core.provenance import Provenance, Verification
from remit.drugs.classes import DrugClass


class Frame(enum.Enum):
    """The time frame a dose figure refers to."""

    DOSE = "dose"
    DAY = "day"
    WEEK = "week"


class Basis(enum.Enum):
    """What a rule's numbers are expressed per."""

    MG_PER_KG_PER_DAY = "mg/kg/day"
    MG_PER_KG_PER_DOSE = "mg/kg/dose"
    MG_PER_M2_PER_DAY = "mg/m²/day"
    MG_PER_M2_PER_WEEK = "mg/m²/week"
    MG_PER_M2_PER_DOSE = "mg/m²/dose"
    MG_PER_DAY = "mg/day"
    MG_PER_DOSE = "mg/dose"

    @property
    def per(self) -> PerBody:
        if "/kg" in self.value:
            return PerBody.KG
        if "/m²" in self.value:
            return PerBody.M2
        return PerBody.NONE

    @property
    def frame(self) -> Frame:
        return Frame(self.value.rsplit("/", 1)[1])

    @property
    def unit(self) -> str:
        return self.value


class CapKind(enum.Enum):
    USUAL = "usual"  # clips the usual range: above it is "above usual", not "above maximum"
    MAXIMUM = "maximum"


@dataclass(frozen=True, slots=True)
class Cap:
    """An absolute limit in mg per dose, day or week."""

    mg: float
    frame: Frame
    kind: CapKind = CapKind.MAXIMUM
    provenance: Provenance | None = None  # None: the rule's own provenance

    def describe(self) -> str:
        return f"{self.mg:g} mg/{self.frame.value}"


@dataclass(frozen=True, slots=True)
class TaperStep:
    """The usual range during days ``first_day..last_day`` after the course
    start (day 0), for protocols that prescribe a schedule (HLH-94)."""

    first_day: int
    last_day: int
    low: float | None
    high: float


@dataclass(frozen=True, slots=True)
class Comedication:
    """A rule that applies only with (or without) a drug class given alongside."""

    drug_class: DrugClass
    present: bool

    def describe(self) -> str:
        return f"{'with' if self.present else 'without'} a {self.drug_class.value.replace('_', ' ')}"


EVERYWHERE = Interval.everything()


def at_least(value: float) -> Interval:
    return Interval(value, math.inf, True, False)


def above(value: float) -> Interval:
    return Interval(value, math.inf, False, False)


def below(value: float) -> Interval:
    return Interval(-math.inf, value, False, False)


def at_most(value: float) -> Interval:
    return Interval(-math.inf, value, False, True)


def between(low: float, high: float, *, high_closed: bool = False, low_closed: bool = True) -> Interval:
    """``[low, high)`` by default: the way dosing bands are usually printed
    ("7.5-<15 kg")."""
    return Interval(low, high, low_closed, high_closed)


MONTHS = 1 / 12  # ages in rules are in years; "8 months" is 8 * MONTHS


@dataclass(frozen=True, slots=True)
class DoseRule:
    """One source's dosing statement for one or more indications."""

    id: str
    title: str
    indications: tuple[str, ...]
    routes: tuple[Route, ...]  # () = the source states no route
    basis: Basis
    usual: tuple[float | None, float | None]  # (None, None): no agreed range
    dose_text: str  # the statement as the reference gives it
    provenance: Provenance
    maximum: float | None = None  # in the basis unit
    caps: tuple[Cap, ...] = ()
    weight_kg: Interval = EVERYWHERE
    age_years: Interval = EVERYWHERE
    limits_text: str = ""  # the band or licence limits in words
    frequencies: tuple[Frequency, ...] = ()  # () = any
    strict_frequency: bool = False  # True: the rule does not apply at other frequencies (pulses, loading doses)
    taper: tuple[TaperStep, ...] = ()
    comedication: Comedication | None = None
    off_label: bool = False
    notes: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def verification(self) -> Verification:
        return self.provenance.verification

    @property
    def has_usual_range(self) -> bool:
        return self.usual != (None, None)

    def usual_on_day(self, day: int | None) -> tuple[float | None, float | None]:
        """The usual range on ``day`` after the course start (the taper step
        in force, else :attr:`usual`)."""
        if day is not None:
            for step in self.taper:
                if step.first_day <= day <= step.last_day:
                    return (step.low, step.high)
        return self.usual

    def describe_usual(self, usual: tuple[float | None, float | None] | None = None) -> str:
        low, high = usual if usual is not None else self.usual
        return describe_range(low, high, self.basis.unit)

    def applies_to_route(self, route: Route) -> bool:
        return not self.routes or route in self.routes


def describe_range(low: float | None, high: float | None, unit: str) -> str:
    if low is None and high is None:
        return "no agreed range"
    if low is None:
        return f"≤{_num(high)} {unit}"
    if high is None:
        return f"≥{_num(low)} {unit}"
    if low == high:
        return f"{_num(low)} {unit}"
    return f"{_num(low)}–{_num(high)} {unit}"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
