"""FHIR R4 for remit: export records as a collection Bundle or a Bulk Data
export, and import Bundles and Bulk Data exports with a line-by-line report.

Models are ``fhir.resources.R4B`` (FHIR 4.3.0, the R4-series models the
library ships; never its R5 default). Export then import gives back the same
:class:`~remit.core.record.PatientRecord`. See ``docs/interop.md`` for the
mapping, the extensions and the code systems.
"""

from remit.interop.fhir.bulk import write_bulk
from remit.interop.fhir.files import is_bundle_file, load_bundle, read_bundle, read_fhir
from remit.interop.fhir.reading import DEFAULT_SITE
from remit.interop.fhir.terminology import BASE
from remit.interop.fhir.writing import bundle, patient_resources, write_bundle

__all__ = [
    "BASE",
    "DEFAULT_SITE",
    "bundle",
    "is_bundle_file",
    "load_bundle",
    "patient_resources",
    "read_bundle",
    "read_fhir",
    "write_bulk",
    "write_bundle",
]
