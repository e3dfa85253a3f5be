"""How remit values are written as text in the CSV exports."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from remit.interop.exports.variables import Kind, Variable


def decimal_text(value: float | int) -> str:
    """A number without exponent or binary noise: ``140``, ``0.00001``, ``12.5``."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def plain_text(value: Any) -> str:
    """Dates ISO, numbers as :func:`decimal_text`, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return decimal_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def redcap_text(variable: Variable, value: Any) -> str:
    """Raw REDCap value: choice codes for categories, 1/0 for yes/no."""
    if value is None:
        return ""
    if variable.kind is Kind.CATEGORY:
        return str(variable.code(str(value)))
    return plain_text(value)


def tidy_text(variable: Variable, value: Any) -> str:
    """Tidy value: remit's own choice values, TRUE/FALSE for yes/no."""
    if value is None:
        return ""
    if variable.kind is Kind.YESNO:
        return "TRUE" if value else "FALSE"
    return plain_text(value)
