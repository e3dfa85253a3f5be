"""Variables of the statistician exports: one definition serves the REDCap
CSV and data dictionary, the tidy CSVs and the SPSS files, so a variable has
the same name, label, codes and value labels everywhere."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Kind(enum.Enum):
    TEXT = "text"
    NOTES = "notes"  # free text
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    CATEGORY = "category"  # one of the choices (REDCap dropdown)
    YESNO = "yesno"
    CHECKBOX = "checkbox"  # any of the choices


@dataclass(frozen=True, slots=True)
class Choice:
    code: int
    value: str  # remit's own value (the tidy export writes this)
    label: str


@dataclass(frozen=True, slots=True)
class Variable:
    """``identifier`` and ``free_text`` variables are left out of de-identified exports."""

    name: str
    label: str
    kind: Kind
    choices: tuple[Choice, ...] = ()
    note: str = ""  # units, formats: REDCap's "Field Note"
    identifier: bool = False
    free_text: bool = False

    def code(self, value: str) -> int:
        for choice in self.choices:
            if choice.value == value:
                return choice.code
        raise KeyError(f"{self.name}: {value!r} is not one of its choices")

    @property
    def kept_when_deidentified(self) -> bool:
        return not (self.identifier or self.free_text)


def choices(values: Iterable[str | tuple[str, str]]) -> tuple[Choice, ...]:
    """Numbered from 1 in the given order; a value alone is its own label."""
    found = []
    for i, item in enumerate(values, start=1):
        value, label = (item, item.replace("_", " ")) if isinstance(item, str) else item
        found.append(Choice(i, value, label))
    return tuple(found)


def text(name: str, label: str, *, identifier: bool = False, free_text: bool = False) -> Variable:
    return Variable(name, label, Kind.TEXT, identifier=identifier, free_text=free_text)


def notes(name: str, label: str) -> Variable:
    return Variable(name, label, Kind.NOTES, free_text=True)


def number(name: str, label: str, note: str = "") -> Variable:
    return Variable(name, label, Kind.NUMBER, note=note)


def integer(name: str, label: str, note: str = "") -> Variable:
    return Variable(name, label, Kind.INTEGER, note=note)


def day(name: str, label: str) -> Variable:
    return Variable(name, label, Kind.DATE, note="YYYY-MM-DD")


def category(name: str, label: str, options: Iterable[str | tuple[str, str]]) -> Variable:
    return Variable(name, label, Kind.CATEGORY, choices(options))


def yesno(name: str, label: str) -> Variable:
    return Variable(name, label, Kind.YESNO, (Choice(1, "yes", "Yes"), Choice(0, "no", "No")))


def checkbox(name: str, label: str, options: Iterable[str | tuple[str, str]]) -> Variable:
    return Variable(name, label, Kind.CHECKBOX, choices(options))
