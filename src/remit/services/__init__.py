"""Use cases: one function each, and the only code that changes stored data.

Every change writes one audit row, in the same transaction as the change.
Entry points build :class:`~remit.config.Settings`, open a session with
:func:`open_session` and call these; they never touch rows themselves.
"""

from remit.persistence.audit import AuditEntry
from remit.persistence.repositories import PatientSummary
from remit.services.database import init_database, open_session
from remit.services.editing import delete_patient, replace_record
from remit.services.exporting import export_record
from remit.services.importing import ImportResult, import_records
from remit.services.reading import get_record, get_version, list_patients, patient_history

__all__ = [
    "AuditEntry",
    "ImportResult",
    "PatientSummary",
    "delete_patient",
    "export_record",
    "get_record",
    "get_version",
    "import_records",
    "init_database",
    "list_patients",
    "open_session",
    "patient_history",
    "replace_record",
]
