"""Interoperability: FHIR R4, OMOP CDM v5.4, exports for statisticians, de-identification.

This is the only package where FHIR and OMOP models appear. Everything here
turns :class:`~remit.core.record.PatientRecord` values into files and back;
nothing here touches the registry database (the services do, and they log
every export).

* :mod:`remit.interop.fhir` - Bundles and Bulk Data (NDJSON) in and out.
* :mod:`remit.interop.omop` - OMOP CDM v5.4 tables (CSV, Parquet, DuckDB) in and out.
* :mod:`remit.interop.exports` - REDCap-compatible CSV + data dictionary, tidy CSVs, SPSS.
* :mod:`remit.interop.deidentify` - pseudonyms, per-patient date shifts, age at index.

See ``docs/interop.md``.
"""
