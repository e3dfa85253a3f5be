"""Units: UCUM parsing and conversion through pint (via ucumvert).

Every conversion in remit goes through :func:`convert`. There are no ad-hoc
factors anywhere else: a molar mass, where one is needed (triglycerides,
fibrinogen), comes from the analyte table and is applied as a pint quantity.

Lab systems and clinicians rarely write strict UCUM (``mg/dl``, ``x10^3/uL``,
``°F``), so :data:`UNIT_SYNONYMS` maps common spellings to UCUM first. A unit that
is neither a known synonym nor valid UCUM is refused with a :class:`UnitError`.

Floating-point noise from conversion (``247 10*3/uL -> 247.00000000000003``) is
removed by rounding to 12 significant digits; that is far below any clinical
precision and keeps boundary comparisons (``platelets = 181``) exact.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from remit.errors import UnitError

# Common spellings -> UCUM. Keys are matched exactly, then case-insensitively.
# Unit aliases that are only valid for some analytes (IU/L for enzymes) live in
# the analyte table, not here.
UNIT_SYNONYMS: dict[str, str] = {
    "mg/dl": "mg/dL",
    "mg%": "mg/dL",
    "g/dl": "g/dL",
    "g/l": "g/L",
    "mg/l": "mg/L",
    "ng/ml": "ng/mL",
    "ng/dl": "ng/dL",
    "mcg/l": "ug/L",
    "µg/l": "ug/L",
    "μg/l": "ug/L",
    "ug/l": "ug/L",
    "mcg/ml": "ug/mL",
    "µg/ml": "ug/mL",
    "μg/ml": "ug/mL",
    "mmol/l": "mmol/L",
    "µmol/l": "umol/L",
    "μmol/l": "umol/L",
    "u/l": "U/L",
    "µkat/l": "ukat/L",
    "u/ml": "U/mL",
    "mm/hr": "mm/h",
    "mm/h": "mm/h",
    "mm/1h": "mm/h",
    "/mm3": "/mm3",
    "/mm³": "/mm3",
    "cells/mm3": "/mm3",
    "/ul": "/uL",
    "/µl": "/uL",
    "/μl": "/uL",
    "x10^3/ul": "10*3/uL",
    "x10^3/µl": "10*3/uL",
    "×10^3/µl": "10*3/uL",
    "×10³/µl": "10*3/uL",
    "x10e3/ul": "10*3/uL",
    "10^3/ul": "10*3/uL",
    "10^3/µl": "10*3/uL",
    "k/ul": "10*3/uL",
    "thou/ul": "10*3/uL",
    "x10^3/ml": "10*3/mL",
    "×10³/ml": "10*3/mL",
    "10^3/ml": "10*3/mL",
    "x10^9/l": "10*9/L",
    "×10^9/l": "10*9/L",
    "×10⁹/l": "10*9/L",
    "10^9/l": "10*9/L",
    "gpt/l": "10*9/L",  # "Gpt/l" (Gigapartikel), German lab feeds
    "°c": "Cel",
    "ºc": "Cel",
    "c": "Cel",
    "degc": "Cel",
    "cel": "Cel",
    "°f": "[degF]",
    "ºf": "[degF]",
    "f": "[degF]",
    "degf": "[degF]",
    "kg": "kg",
    "g": "g",
    "lb": "[lb_av]",
    "lbs": "[lb_av]",
    "cm": "cm",
    "m": "m",
    "in": "[in_i]",
    "inch": "[in_i]",
    "min": "min",
    "minutes": "min",
    "h": "h",
    "hours": "h",
    "mm": "mm",
    "m2": "m2",
    "m²": "m2",
}


def _fold(text: str) -> str:
    """Case- and space-insensitive form. ``casefold`` also maps the micro sign
    (U+00B5) to the Greek mu (U+03BC), so the table must be folded the same way."""
    return text.casefold().replace(" ", "")


_FOLDED_SYNONYMS: dict[str, str] = {_fold(key): ucum for key, ucum in UNIT_SYNONYMS.items()}


@functools.cache
def registry() -> Any:
    """The shared pint registry with UCUM parsing (built once, on first use)."""
    from ucumvert import PintUcumRegistry

    return PintUcumRegistry()


# Case matters for these: "G/l" (giga per litre, a cell count) must not fold
# into "g/l" (grams per litre).
CASE_SENSITIVE_SYNONYMS: dict[str, str] = {"G/l": "10*9/L"}


def to_ucum(unit: str) -> str:
    """Normalise a unit as written to its UCUM code, or raise :class:`UnitError`."""
    text = unit.strip()
    if not text:
        raise UnitError("a unit is required", field="unit")
    if text in CASE_SENSITIVE_SYNONYMS:
        return CASE_SENSITIVE_SYNONYMS[text]
    if text in UNIT_SYNONYMS:
        return UNIT_SYNONYMS[text]
    folded = _fold(text)
    if folded in _FOLDED_SYNONYMS:
        return _FOLDED_SYNONYMS[folded]
    _parse(text)  # valid UCUM as written?
    return text


@functools.cache
def _parse(ucum: str) -> Any:
    try:
        unit = registry().from_ucum(ucum)
        unit.dimensionality  # noqa: B018 - annotation-only units fail here
    except Exception as exc:  # ucumvert raises lark and pint errors of many kinds
        raise UnitError(f"{ucum!r} is not a known unit (UCUM or a common spelling)", field="unit") from exc
    return unit


def dimensionality(ucum: str) -> str:
    """A printable dimensionality, used by static checks on thresholds."""
    return str(_parse(ucum).dimensionality)


def convert(
    magnitude: float,
    from_ucum: str,
    to_ucum: str,
    *,
    molar_mass_g_per_mol: float | None = None,
    rounded: bool = True,
) -> float:
    """Convert ``magnitude`` between two UCUM units with pint.

    ``molar_mass_g_per_mol`` bridges amount-of-substance and mass concentrations
    (mmol/L <-> mg/dL); it must come from the analyte table. Offset units
    (Cel, [degF]) are handled by pint's ``Quantity`` rules. The result is
    :func:`tidy`-rounded to 12 significant digits unless ``rounded=False``
    (a caller deriving a scale and offset from conversions needs them exact).
    """
    if from_ucum == to_ucum:
        return magnitude
    reg = registry()
    source = _parse(from_ucum)
    target = _parse(to_ucum)
    quantity = reg.Quantity(magnitude, _as_unit(source))
    try:
        converted = quantity.to(_as_unit(target))
    except Exception as exc:
        if molar_mass_g_per_mol is None:
            raise UnitError(f"cannot convert {from_ucum} to {to_ucum}", field="unit") from exc
        molar_mass = reg.Quantity(molar_mass_g_per_mol, "g/mol")
        try:
            if "[substance]" in str(source.dimensionality):
                converted = (quantity * molar_mass).to(_as_unit(target))
            else:
                converted = (quantity / molar_mass).to(_as_unit(target))
        except Exception as exc2:
            raise UnitError(f"cannot convert {from_ucum} to {to_ucum}", field="unit") from exc2
    value = float(converted.magnitude)
    return tidy(value) if rounded else value


def _as_unit(parsed: Any) -> Any:
    """ucumvert returns either a Unit or a Quantity (for prefixed powers of ten)."""
    units = getattr(parsed, "units", None)
    if units is None:
        return parsed
    magnitude = float(parsed.magnitude)
    if magnitude == 1.0:
        return units
    return parsed  # a scaled quantity such as 10*3/uL; pint handles it as a unit factor


def tidy(value: float) -> float:
    """Remove binary floating-point noise (12 significant digits)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.12g}")
