"""A value as entered, read into an exact, censored or qualitative measurement.

This is the only way a number enters the patient record. The text and unit as
entered are kept verbatim next to the canonical interval, so nothing is lost:
``">2000"`` stays censored, ``"elevated"`` stays qualitative, and ``4 x10^3/mL``
for a platelet count is refused with a message that says what was probably
meant, instead of being "fixed".
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass

from remit.core.analytes import Analyte, ValueKind, analyte
from remit.core.intervals import Interval, Op
from remit.core.units import convert, tidy, to_ucum
from remit.errors import ImplausibleValueError, UnitError, ValueParseError


class Qualitative(enum.Enum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


_QUALITATIVE_WORDS: dict[str, Qualitative] = {
    "positive": Qualitative.POSITIVE,
    "pos": Qualitative.POSITIVE,
    "detected": Qualitative.POSITIVE,
    "present": Qualitative.POSITIVE,
    "negative": Qualitative.NEGATIVE,
    "neg": Qualitative.NEGATIVE,
    "not detected": Qualitative.NEGATIVE,
    "absent": Qualitative.NEGATIVE,
    "low": Qualitative.LOW,
    "decreased": Qualitative.LOW,
    "reduced": Qualitative.LOW,
    "normal": Qualitative.NORMAL,
    "within normal limits": Qualitative.NORMAL,
    "high": Qualitative.HIGH,
    "elevated": Qualitative.HIGH,
    "raised": Qualitative.HIGH,
    "increased": Qualitative.HIGH,
}

_COMPARATORS = {">": Op.GT, ">=": Op.GE, "≥": Op.GE, "<": Op.LT, "<=": Op.LE, "≤": Op.LE}
# "1,500": a decimal comma (1.5) or a thousands separator (1500)? Refused, never guessed.
_AMBIGUOUS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")
_NUMBER = re.compile(r"^\s*(?P<cmp><=|>=|≤|≥|<|>|=)?\s*(?P<num>[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?)\s*$")


@dataclass(frozen=True, slots=True)
class ReferenceRange:
    """The reporting laboratory's reference interval, in the canonical unit."""

    low: float | None = None
    high: float | None = None
    source: str = "laboratory"  # or "assumed", with the reason documented beside the data


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured value of one analyte.

    ``interval`` is in the analyte's canonical unit and is what criteria compare
    against. For a qualitative LOW/NORMAL/HIGH it is derived from the reference
    range (a count below a lower limit of 150 lies in [-inf, 150)); without a
    reference range it is unbounded, so it proves no numeric threshold.
    """

    analyte: str
    text: str
    unit: str | None
    ucum: str | None
    comparator: Op | None
    number: float | None
    qualitative: Qualitative | None
    interval: Interval
    reference: ReferenceRange | None = None

    @property
    def canonical_unit(self) -> str:
        return analyte(self.analyte).canonical_unit

    @property
    def value(self) -> float | None:
        """The canonical number if the value is exact, else ``None``."""
        if self.comparator is None and self.number is not None and self.interval.is_point:
            return self.interval.low
        return None

    @property
    def is_censored(self) -> bool:
        return self.comparator is not None

    def describe(self) -> str:
        """As entered, plus the canonical form when it differs."""
        entered = f"{self.text} {self.unit}".strip() if self.unit else self.text
        if self.number is None:
            return entered
        canonical = f"{self.interval.describe()} {self.canonical_unit}"
        if self.ucum == self.canonical_unit or self.ucum is None:
            return entered
        return f"{entered} (= {canonical})"


def measure(
    analyte_id: str,
    value: str | float | int,
    unit: str | None = None,
    *,
    reference: ReferenceRange | None = None,
    field: str = "value",
) -> Measurement:
    """Read ``value`` (as entered) of ``analyte_id`` in ``unit``.

    Raises :class:`ValueParseError`, :class:`UnitError` or
    :class:`ImplausibleValueError`, each naming ``field``.
    """
    spec = analyte(analyte_id)
    text = _text(value, field)
    match = _NUMBER.match(text)
    if match is None:
        return _qualitative(spec, text, unit, reference, field)
    if spec.kind is ValueKind.QUALITATIVE:
        raise ValueParseError(
            f"{spec.name} is reported as a category (positive/negative), not a number: {text!r}", field=field
        )
    if _AMBIGUOUS_COMMA.match(match.group("num")):
        raise ValueParseError(
            f"{text!r} is ambiguous: a decimal comma or a thousands separator? "
            f"Write it without the comma or with a decimal point (for example "
            f"{match.group('num').replace(',', '')} or {match.group('num').replace(',', '.')})",
            field=field,
        )
    number = float(match.group("num").replace(",", "."))
    if not math.isfinite(number):
        raise ValueParseError(f"{text!r} is not a finite number", field=field)
    comparator = _COMPARATORS.get(match.group("cmp") or "")
    ucum = _unit_for(spec, unit, field)
    canonical = convert(number, ucum, spec.canonical_unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol)
    _check_plausible(spec, number, unit or ucum, ucum, canonical, field)
    interval = _censored_interval(comparator, canonical)
    return Measurement(spec.id, text, unit, ucum, comparator, number, None, interval, reference)


def _text(value: str | float | int, field: str = "value") -> str:
    if isinstance(value, bool):
        raise ValueParseError(f"{value!r} is not a measured value", field=field)
    if isinstance(value, float):
        short = f"{value:g}"
        # ``:g`` keeps 6 significant digits; the text is what gets stored, so never lose any.
        return short if not math.isfinite(value) or float(short) == value else repr(value)
    if isinstance(value, int):
        return str(value)
    return value.strip()


def _unit_for(spec: Analyte, unit: str | None, field: str) -> str:
    unit_field = _sibling(field, "unit")
    if unit is None or not unit.strip():
        if spec.canonical_unit == "1":
            return "1"
        raise UnitError(f"{spec.name} needs a unit (for example {spec.canonical_unit})", field=unit_field)
    text = unit.strip()
    if text in spec.unit_aliases:
        return spec.unit_aliases[text]
    try:
        ucum = to_ucum(text)
    except UnitError as exc:
        raise UnitError(exc.message, field=unit_field) from exc
    try:
        convert(1.0, ucum, spec.canonical_unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol)
    except UnitError as exc:
        raise UnitError(
            f"{text!r} cannot express {spec.name} (canonical unit {spec.canonical_unit})", field=unit_field
        ) from exc
    return ucum


def _sibling(field: str, name: str) -> str:
    """``observations[3].value`` -> ``observations[3].unit``."""
    head, dot, _ = field.rpartition(".")
    return f"{head}{dot}{name}" if dot else name


def _check_plausible(spec: Analyte, number: float, unit_text: str, ucum: str, canonical: float, field: str) -> None:
    low, high = spec.plausible_low, spec.plausible_high
    if (low is None or canonical >= low) and (high is None or canonical <= high):
        return
    expected = f"{_fmt(low)}-{_fmt(high)} {spec.canonical_unit}"
    shown = f"{number:.12g} {unit_text}"
    if ucum != spec.canonical_unit:
        shown += f" (= {canonical:.12g} {spec.canonical_unit})"
    hint = _unit_hint(spec, number, ucum)
    raise ImplausibleValueError(f"{spec.name} {shown} is outside the plausible range {expected}{hint}", field=field)


def _unit_hint(spec: Analyte, number: float, ucum: str) -> str:
    """Suggest the offered units in which the number would have been plausible."""
    candidates = []
    for choice in spec.unit_choices:
        if choice == ucum:
            continue
        try:
            canonical = convert(number, choice, spec.canonical_unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol)
        except UnitError:
            continue
        low, high = spec.plausible_low, spec.plausible_high
        if (low is None or canonical >= low) and (high is None or canonical <= high):
            candidates.append(choice)
    if not candidates:
        return ""
    return f"; was the unit meant to be {' or '.join(candidates)}?"


def _fmt(bound: float | None) -> str:
    return "" if bound is None else f"{bound:g}"


def _censored_interval(comparator: Op | None, canonical: float) -> Interval:
    if comparator is None:
        return Interval.point(canonical)
    if comparator is Op.GT:
        return Interval(canonical, math.inf, False, False)
    if comparator is Op.GE:
        return Interval(canonical, math.inf, True, False)
    if comparator is Op.LT:
        return Interval(-math.inf, canonical, False, False)
    return Interval(-math.inf, canonical, False, True)


def _qualitative(
    spec: Analyte, text: str, unit: str | None, reference: ReferenceRange | None, field: str
) -> Measurement:
    category = _QUALITATIVE_WORDS.get(text.casefold())
    if category is None:
        raise ValueParseError(
            f"{text!r} is neither a number (optionally with <, <=, >, >=) nor one of "
            f"{', '.join(sorted({q.value for q in Qualitative}))}",
            field=field,
        )
    if spec.kind is ValueKind.NUMERIC and category in (Qualitative.POSITIVE, Qualitative.NEGATIVE):
        raise ValueParseError(
            f"{spec.name} is numeric; a qualitative result must be low, normal or high, not {text!r}",
            field=field,
        )
    interval = _reference_interval(category, reference)
    return Measurement(spec.id, text, unit, None, None, None, category, interval, reference)


def _reference_interval(category: Qualitative, reference: ReferenceRange | None) -> Interval:
    if reference is None:
        return Interval.everything()
    if category is Qualitative.LOW and reference.low is not None:
        return Interval(-math.inf, reference.low, False, False)
    if category is Qualitative.HIGH and reference.high is not None:
        return Interval(reference.high, math.inf, False, False)
    if category is Qualitative.NORMAL and reference.low is not None and reference.high is not None:
        return Interval(reference.low, reference.high)
    return Interval.everything()


def reference_range(
    analyte_id: str,
    low: float | None,
    high: float | None,
    unit: str | None,
    *,
    source: str = "laboratory",
    field: str = "reference_range",
) -> ReferenceRange:
    """Convert a reference range as entered to the canonical unit."""
    spec = analyte(analyte_id)
    ucum = _unit_for(spec, unit, f"{field}.unit")

    def canon(x: float | None) -> float | None:
        if x is None:
            return None
        return tidy(convert(x, ucum, spec.canonical_unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol))

    return ReferenceRange(canon(low), canon(high), source)
