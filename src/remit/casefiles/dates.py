"""How a case file writes dates, birth dates and times.

Case reports count days ("on day 8 of illness") as often as they give calendar
dates, so a date in a case file is either ISO ``YYYY-MM-DD`` or ``day N``
relative to the file's ``day_zero`` (day 1 is ``day_zero`` itself). The
validators here only check and normalise the *text*: resolving ``day N`` needs
``day_zero``, which lives elsewhere in the same file, so that happens in
:mod:`remit.casefiles.reading`, where the error can name the field.

YAML turns unquoted ``2002-03-08`` into a date and ``14:30`` into the number
870 (base-60, YAML 1.1). The first is accepted; the second is refused with a
hint to quote the time, because 870 is never what the clinician meant.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATE_PATTERN = r"^(\d{4}-\d{2}-\d{2}|[Dd][Aa][Yy] +[+-]?\d+)$"
BIRTH_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"

_ISO_DATE = re.compile(ISO_DATE_PATTERN)
_DAY_N = re.compile(r"^day +(?P<n>[+-]?\d+)$", re.IGNORECASE)
_BIRTH = re.compile(BIRTH_PATTERN)
_TIME = re.compile(TIME_PATTERN)


def iso_date_text(value: object) -> str:
    """Validate a calendar date (``YYYY-MM-DD`` or a ``date``) and return it as ISO text."""
    text = _date_like(value, "a date as YYYY-MM-DD")
    if _ISO_DATE.match(text) is None:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")
    _calendar_date(text)
    return text


def date_text(value: object) -> str:
    """Validate ``YYYY-MM-DD`` or ``day N``; return ISO text or the normalised ``day N``."""
    text = _date_like(value, "a date as YYYY-MM-DD or 'day N'")
    day = _DAY_N.match(text)
    if day is not None:
        return f"day {int(day.group('n'))}"
    if _ISO_DATE.match(text) is None:
        raise ValueError(f"expected a date as YYYY-MM-DD or 'day N' (day 1 = day_zero), got {text!r}")
    _calendar_date(text)
    return text


def birth_text(value: object) -> str:
    """Validate a birth date known to the month (``YYYY-MM``) or the day (``YYYY-MM-DD``)."""
    text = _date_like(value, "a birth date as YYYY-MM or YYYY-MM-DD")
    if _BIRTH.match(text) is None:
        raise ValueError(f"expected a birth date as YYYY-MM or YYYY-MM-DD, got {text!r}")
    try:
        date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar month or date") from None
    return text


def time_text(value: object) -> str:
    """Validate a time of day ``HH:MM`` or ``HH:MM:SS``; return it as given."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError("expected a local time of day without a time zone")
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'YAML read this time as the number {value}; put it in quotes, e.g. time: "14:30"')
    if not isinstance(value, str) or _TIME.match(value.strip()) is None:
        raise ValueError(f"expected a time of day as HH:MM or HH:MM:SS, got {value!r}")
    try:
        time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a valid time of day") from None
    return value.strip()


def resolve(text: str, day_zero: date | None) -> date:
    """The calendar date of validated ``text``; ``day N`` is ``day_zero + (N - 1)`` days.

    Raises :class:`ValueError` when ``text`` is ``day N`` and there is no ``day_zero``.
    """
    day = _DAY_N.match(text)
    if day is None:
        return date.fromisoformat(text)
    if day_zero is None:
        raise ValueError(
            f"{text!r} counts days from day_zero, but the file has no day_zero; add e.g. day_zero: 2002-03-01"
        )
    return day_zero + timedelta(days=int(day.group("n")) - 1)


def birth_parts(text: str) -> tuple[int, int, int | None]:
    """``(year, month, day)`` of validated birth text; ``day`` is None for ``YYYY-MM``."""
    parts = [int(p) for p in text.split("-")]
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def time_of_day(text: str) -> time:
    return time.fromisoformat(text)


def format_time(value: time) -> str:
    """``HH:MM`` when there are no seconds, so exported times look as typed."""
    if value.second == 0 and value.microsecond == 0:
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _date_like(value: object, expected: str) -> str:
    if isinstance(value, datetime):
        raise ValueError(f"expected {expected}, got a date with a time of day ({value.isoformat()})")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected {expected}, got {value!r}")
    return value.strip()


def _calendar_date(text: str) -> None:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
