"""Exports for statisticians: a REDCap-compatible CSV with its data
dictionary, tidy per-form CSVs, and SPSS ``.sav`` files - all from the same
form definitions (:mod:`.forms`), with a README codebook.

De-identify the subjects first (:func:`remit.interop.deidentify.deidentify_all`);
the CLI does so unless ``--identified`` is given.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from remit import __version__
from remit.core.record import PatientRecord
from remit.interop.exports.codebook import write_readme
from remit.interop.exports.dataset import build_dataset
from remit.interop.exports.redcap import write_redcap
from remit.interop.exports.spss import write_spss
from remit.interop.exports.tidy import write_tidy
from remit.interop.subjects import ExportSubject, subjects


class DatasetFormat(enum.Enum):
    REDCAP = "redcap"
    TIDY = "tidy"
    SPSS = "spss"


_WRITERS = {DatasetFormat.REDCAP: write_redcap, DatasetFormat.TIDY: write_tidy, DatasetFormat.SPSS: write_spss}


def write_dataset(
    items: Iterable[PatientRecord | ExportSubject], fmt: DatasetFormat, directory: str | Path, *, at: datetime
) -> list[Path]:
    """Write the export into ``directory`` (created if needed); returns the files written."""
    out = Path(directory)
    dataset = build_dataset(subjects(items))
    written = _WRITERS[fmt](dataset, out)
    return [*written, write_readme(dataset, out, fmt=fmt.value, at=at, version=__version__)]


__all__ = ["DatasetFormat", "write_dataset"]
