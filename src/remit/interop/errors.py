"""The errors of the interoperability layer.

Each is a :class:`~remit.errors.RemitError`, so the CLI turns it into one red
line and the API into the one JSON error shape. A malformed input file is an
error (and nothing from it is stored); a resource or row remit cannot use is
*not* an error - it becomes a "skipped" line of the import report.
"""

from __future__ import annotations

from remit.errors import RemitError


class InteropError(RemitError, ValueError):
    """An export or import cannot be done as asked."""

    code = "interop_error"


class MalformedFileError(InteropError):
    """An input file is not what it claims to be (not JSON, not a FHIR Bundle,
    a resource that fails FHIR validation, a Bulk Data manifest without
    ``output`` ...). ``file`` names it; ``field`` the place inside it."""

    code = "malformed_file"

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.file = file

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.field) if part)
        return f"{where}: {self.message}" if where else self.message


class DeidentificationKeyError(InteropError):
    """The de-identification keys are missing or too short."""

    code = "deidentification_key"
