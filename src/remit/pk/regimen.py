"""Dosing regimens for simulation: when, how much, by which route.

A :class:`Regimen` is a time-ordered tuple of :class:`Administration` s in
hours from time zero. Build it from a simple schedule (``Regimen.repeated``),
from steps with dose changes (``Regimen.from_steps``), as an IV infusion, or
from a patient's anakinra :class:`~remit.core.medications.MedicationCourse`, where
each per-kg dose is turned into mg with the weight nearest the step's start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from remit.core.doses import PerBody, dose_amount
from remit.core.medications import Dose, Frequency, MedicationCourse, Route
from remit.core.record import (
    PatientRecord,
)
from remit.errors import RemitError


class RegimenError(RemitError, ValueError):
    """A regimen cannot be built or simulated as asked."""

    code = "regimen_error"


@dataclass(frozen=True, slots=True)
class Administration:
    """One dose: an SC injection, an IV bolus (``duration_h`` 0) or an IV
    infusion over ``duration_h`` hours."""

    time_h: float
    amount_mg: float
    route: Route = Route.SC
    duration_h: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_h) and math.isfinite(self.amount_mg)) or self.amount_mg < 0:
            raise RegimenError(f"invalid administration {self.amount_mg!r} mg at {self.time_h!r} h", field="amount")
        if self.route not in (Route.SC, Route.IV):
            raise RegimenError(
                f"the model covers SC (and, extrapolated, IV) dosing, not {self.route.value}", field="route"
            )
        if self.duration_h < 0 or (self.route is Route.SC and self.duration_h > 0):
            raise RegimenError("only IV administrations can be infusions (duration_h > 0)", field="duration_h")


@dataclass(frozen=True, slots=True)
class RegimenStep:
    """From ``start_day`` on: ``dose_mg`` every ``every_h`` hours."""

    start_day: float
    dose_mg: float
    every_h: float
    route: Route = Route.SC


@dataclass(frozen=True, slots=True)
class Regimen:
    administrations: tuple[Administration, ...]
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "administrations", tuple(sorted(self.administrations, key=lambda a: a.time_h)))

    @classmethod
    def repeated(
        cls,
        dose_mg: float,
        every_h: float,
        *,
        days: float | None = None,
        count: int | None = None,
        start_h: float = 0.0,
        route: Route = Route.SC,
        duration_h: float = 0.0,
    ) -> Regimen:
        """``dose_mg`` every ``every_h`` hours, ``count`` times or for ``days``."""
        if every_h <= 0:
            raise RegimenError("the dosing interval must be positive", field="every_h")
        if count is None:
            if days is None:
                raise RegimenError("give the number of doses or the number of days", field="days")
            count = max(1, math.ceil(days * 24 / every_h - 1e-9))
        return cls(tuple(Administration(start_h + i * every_h, dose_mg, route, duration_h) for i in range(count)))

    @classmethod
    def from_steps(cls, steps: Sequence[RegimenStep], *, days: float) -> Regimen:
        """Dose changes over time: each step runs until the next starts (the
        last until ``days``)."""
        ordered = sorted(steps, key=lambda s: s.start_day)
        found: list[Administration] = []
        for i, step in enumerate(ordered):
            end_h = (ordered[i + 1].start_day if i + 1 < len(ordered) else days) * 24
            t = step.start_day * 24
            while t < end_h - 1e-9:
                found.append(Administration(t, step.dose_mg, step.route))
                t += step.every_h
        return cls(tuple(found))

    @classmethod
    def infusion(cls, rate_mg_per_h: float, hours: float, *, start_h: float = 0.0, bolus_mg: float = 0.0) -> Regimen:
        """A continuous IV infusion, optionally after an IV bolus."""
        items = [Administration(start_h, rate_mg_per_h * hours, Route.IV, hours)]
        if bolus_mg:
            items.append(Administration(start_h, bolus_mg, Route.IV))
        return cls(tuple(items))

    @classmethod
    def from_course(
        cls, course: MedicationCourse, record: PatientRecord, *, until: date | None = None, start: date | None = None
    ) -> Regimen:
        """The course's doses as administrations from ``start`` (default the
        course start, time zero) to ``until`` (default the course stop)."""
        if course.drug != "anakinra":
            raise RegimenError(f"the Urien 2013 model is for anakinra, not {course.drug}", field="drug")
        origin = start or course.start
        end = until or course.stop
        if end is None:
            raise RegimenError(f"course {course.id} has no stop date; give `until`", field="until")
        items: list[Administration] = []
        notes: list[str] = []
        steps = [d for d in course.doses if d.start <= end]
        for i, dose in enumerate(steps):
            # dosing runs up to the next step, or through the stop date (inclusive)
            end_h = _hours(origin, steps[i + 1].start) if i + 1 < len(steps) else _hours(origin, end) + 24.0
            items.extend(_step(course, record, dose, start_h=_hours(origin, dose.start), end_h=end_h, notes=notes))
        return cls(tuple(a for a in items if a.time_h >= 0), tuple(notes))

    @property
    def end_h(self) -> float:
        if not self.administrations:
            return 0.0
        return max(a.time_h + a.duration_h for a in self.administrations)

    @property
    def routes(self) -> frozenset[Route]:
        return frozenset(a.route for a in self.administrations)

    def then(self, other: Regimen) -> Regimen:
        """Both regimens together (``other``'s times are absolute)."""
        return Regimen(self.administrations + other.administrations, self.notes + other.notes)

    def mg_per_day(self) -> tuple[float, ...]:
        """Milligrams given in each 24 h from time zero (infusions spread)."""
        if not self.administrations:
            return ()
        days = [0.0] * (math.ceil(self.end_h / 24 + 1e-9) or 1)
        for a in self.administrations:
            for day, share in _spread(a):
                days[min(day, len(days) - 1)] += share
        return tuple(days)

    def last_period(self) -> tuple[Administration, float] | None:
        """The repeating unit at the end, for steady state: the last dose and
        its interval, when the last two administrations are alike."""
        if len(self.administrations) < 2:
            return None
        last, before = self.administrations[-1], self.administrations[-2]
        alike = (last.amount_mg, last.route, last.duration_h) == (before.amount_mg, before.route, before.duration_h)
        interval = last.time_h - before.time_h
        return (last, interval) if alike and interval > 0 else None


def _hours(origin: date, day: date) -> float:
    return (day - origin).days * 24.0


def _step(
    course: MedicationCourse, record: PatientRecord, dose: Dose, *, start_h: float, end_h: float, notes: list[str]
) -> list[Administration]:
    amount = dose_amount(dose)
    if amount.per is PerBody.M2:
        raise RegimenError("anakinra doses per m² are not supported by the regimen builder", field="unit")
    factor = 1.0
    if amount.per is PerBody.KG:
        weight = record.weight_on(dose.start)
        value = None if weight is None else weight.measurement.value
        if weight is None or value is None:
            raise RegimenError(f"no usable weight for the per-kg dose from {dose.start}", field="weight")
        factor = value
        notes.append(f"from {dose.start}: {dose.amount:g} {dose.unit} × {value:g} kg (weight of {weight.date})")
    if dose.frequency is Frequency.CONTINUOUS:
        if course.route is not Route.IV:
            raise RegimenError("a continuous infusion must be IV", field="route")
        rate = (amount.per_day or 0) * factor / 24
        return [Administration(start_h, rate * (end_h - start_h), Route.IV, end_h - start_h)]
    per_dose = (amount.per_administration or 0) * factor
    interval = dose.frequency.interval_hours
    if interval is None:
        return [Administration(start_h, per_dose, course.route)]
    found: list[Administration] = []
    t = start_h
    while t < end_h - 1e-9 and (dose.count is None or len(found) < dose.count):
        found.append(Administration(t, per_dose, course.route))
        t += interval
    return found


def _spread(a: Administration) -> list[tuple[int, float]]:
    if a.duration_h == 0:
        return [(int(a.time_h // 24), a.amount_mg)]
    rate = a.amount_mg / a.duration_h
    found = []
    t = a.time_h
    end = a.time_h + a.duration_h
    while t < end - 1e-9:
        day = int(t // 24)
        step_end = min(end, (day + 1) * 24)
        found.append((day, rate * (step_end - t)))
        t = step_end
    return found
