"""The README that travels with every statistician export (standards §D4):
when and how it was made, what was de-identified, and the unit conventions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from remit.core.analytes import ANALYTES
from remit.interop.deidentify import MAX_SHIFT_DAYS
from remit.interop.exports.dataset import Dataset

README = "README.txt"


def write_readme(dataset: Dataset, directory: Path, *, fmt: str, at: datetime, version: str) -> Path:
    patients = len({row.record_id for row in dataset.rows})
    lines = [
        "remit export - research use only, not a medical device",
        "",
        f"format: {fmt}",
        f"created: {at.isoformat(timespec='seconds')}",
        f"remit version: {version}",
        f"patients: {patients}",
        "",
    ]
    if dataset.deidentified:
        lines += [
            "DE-IDENTIFIED (REDCap-style):",
            "- record_id is a pseudonym: HMAC-SHA256 of the patient id under a secret key that is not in this export;",
            f"- every date of a patient is shifted back by the same number of days (0-{MAX_SHIFT_DAYS}), so",
            "  intervals within a patient are exact but calendar dates are not;",
            "- no birth date: age_at_index (completed years, computed on the real dates) instead;",
            "- free text (notes, sources, dose texts, ethnicity) is left out.",
        ]
    else:
        lines += ["IDENTIFIED: patient ids, birth dates and free text are included. Handle as personal data."]
    lines += [
        "",
        "Values: *_value is the exact value in the analyte's canonical unit (UCUM), *_comparator and *_bound",
        "a censored value (e.g. >2000), *_category a qualitative result; *_entered and *_unit_entered are",
        "what was typed. Canonical units:",
    ]
    lines += [f"  {a.id}: {a.canonical_unit}" for a in ANALYTES.values()]
    lines += [
        "",
        "Events: baseline (patient-level forms and the baseline visit), month_3, month_12, unscheduled",
        "(every other visit, and labs/findings on no scheduled visit's day).",
        "",
    ]
    path = directory / README
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
