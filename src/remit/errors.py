"""The exception tree. One root, stable codes, messages that say what to do.

Each subclass also inherits the builtin a caller would expect (``ValueError``,
``LookupError``), so generic handlers keep working. ``code`` is stable and is
what the CLI, the API error shape and the tests key on.

Missing clinical data is never an error (it is UNKNOWN); implausible data is
always one, raised at input, naming the field, the value and the expected range.
"""

from __future__ import annotations


class RemitError(Exception):
    """Root of every error remit raises on purpose."""

    code = "remit_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        if self.field:
            return f"{self.field}: {self.message}"
        return self.message

    def to_dict(self) -> dict[str, str | None]:
        """The one JSON error shape used by the CLI (--json) and the API."""
        return {"code": self.code, "message": self.message, "field": self.field}


class UnitError(RemitError, ValueError):
    """A unit is unknown, or cannot express the analyte it was given for."""

    code = "unit_error"


class ImplausibleValueError(RemitError, ValueError):
    """A value is outside the physiologically possible range of its analyte."""

    code = "implausible_value"


class ValueParseError(RemitError, ValueError):
    """A value as entered cannot be read (not a number, comparator or category)."""

    code = "value_parse_error"


class UnknownCodeError(RemitError, LookupError):
    """An analyte, finding, drug or instrument id that remit does not know."""

    code = "unknown_code"


class RecordError(RemitError, ValueError):
    """A patient record is internally inconsistent (dates out of order, ...)."""

    code = "record_error"


class CaseFileError(RemitError, ValueError):
    """A case file is invalid; ``field`` holds the path inside the file."""

    code = "case_file_error"

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.file = file

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.field) if part)
        return f"{where}: {self.message}" if where else self.message


class NotFoundError(RemitError, LookupError):
    """A stored object does not exist (or is not visible to the caller)."""

    code = "not_found"


class ConflictError(RemitError):
    """A stale edit or a duplicate: the stored data changed since it was read."""

    code = "conflict"


class StorageError(RemitError, RuntimeError):
    """The database cannot be used: missing, unreachable, or not migrated."""

    code = "storage_error"


class DefinitionError(RemitError, ValueError):
    """A criteria definition fails its static checks."""

    code = "definition_error"
