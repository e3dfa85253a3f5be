"""Values, codes and drugs from CDM rows, read the way remit reads input.

A value is read from ``value_source_value`` and ``unit_source_value`` - what
was entered - through remit's one measuring function; a row without them is
read from ``value_as_number`` in the unit of ``unit_concept_id``, and a unit
concept the map does not know is refused rather than guessed. Codes come
from ``*_source_value`` first, then from concept ids through the map.
The typed-detail converters (:func:`as_date` ...) turn a
``remit_source_detail`` value into the field's type, or refuse it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from remit.core.analytes import ANALYTES, LOCAL_SYSTEM, Analyte, analyte
from remit.core.codes import LOINC, Coding
from remit.core.measurements import Measurement, ReferenceRange, measure, reference_range
from remit.drugs import DRUGS, find_drug
from remit.errors import RecordError, RemitError, UnitError, UnknownCodeError
from remit.interop.omop.details import Value
from remit.interop.omop.reading_base import ReaderBase

SOURCE_VALUE_SYSTEM = "urn:remit:omop-source-value"  # a measurement_source_value that is neither remit's nor LOINC


class ValueReader(ReaderBase):
    def analyte(self, row: Mapping[str, Any], table: str) -> Analyte:
        source = row.get(f"{table}_source_value")
        if source:
            try:
                return analyte(str(source))
            except UnknownCodeError:
                pass
        code = self.concepts.remit_code("measurement", row.get(f"{table}_concept_id"))
        if code is None or code not in ANALYTES:
            raise UnknownCodeError(
                f"no remit analyte for source value {source!r} / concept {row.get(f'{table}_concept_id')}"
            )
        return ANALYTES[code]

    def value(
        self, spec: Analyte, row: Mapping[str, Any], table: str, *, notes: list[str] | None = None
    ) -> Measurement:
        """The value as entered if the row has it, else ``value_as_number`` in
        the unit of ``unit_concept_id``. The reference range is remit's detail
        if there is one, else (with ``notes``) ``range_low``/``range_high``
        (a range that cannot be converted is dropped with a note)."""
        reference = self.stored_reference(table, row)
        if reference is None and notes is not None:
            reference = self.reference(spec, row, notes)
        text = row.get("value_source_value")
        if text is not None:
            return measure(spec.id, str(text), row.get("unit_source_value"), reference=reference)
        number = row.get("value_as_number")
        if number is None:
            raise RecordError("no value (value_source_value or value_as_number)")
        operator = self.concepts.remit_code("operator", row.get("operator_concept_id")) or ""
        text = f"{'' if operator == '=' else operator}{number!r}"
        return measure(spec.id, text, self.number_unit(spec, row), reference=reference)

    def stored_reference(self, table: str, row: Mapping[str, Any]) -> ReferenceRange | None:
        """A reference range remit wrote as a detail (canonical unit, with its source)."""
        found = self.detail_map(table, int(row[f"{table}_id"])).get("reference")
        if found is None:
            return None
        if not isinstance(found, list) or len(found) != 3:
            raise RecordError(f"a reference detail is [low, high, source], not {found!r}")
        low, high, source = found
        return ReferenceRange(low, high, str(source))

    def number_unit(self, spec: Analyte, row: Mapping[str, Any]) -> str:
        """The unit of ``value_as_number`` and the range: from ``unit_concept_id``
        through the map; never guessed for a unit the map does not know."""
        concept = row.get("unit_concept_id")
        mapped = self.concepts.remit_code("unit", concept)
        if mapped is not None:
            return mapped
        if concept:
            raise UnitError(f"unit concept {concept} is not in the concept map; add it to convert this value")
        source = row.get("unit_source_value")
        if source:
            return str(source)
        if spec.canonical_unit == "1":
            return spec.canonical_unit
        raise UnitError(f"no unit for {spec.name} (unit_concept_id {concept}, no unit_source_value)")

    def reference(self, spec: Analyte, row: Mapping[str, Any], notes: list[str]) -> ReferenceRange | None:
        low, high = row.get("range_low"), row.get("range_high")
        if low is None and high is None:
            return None
        table = "measurement" if "measurement_id" in row else "observation"
        if self.key(table, row) is not None:  # remit writes ranges in the canonical unit
            return ReferenceRange(low, high)
        try:
            unit = self.number_unit(spec, row)
            if unit == spec.canonical_unit:
                return ReferenceRange(low, high)
            return reference_range(spec.id, low, high, unit)
        except RemitError as exc:
            notes.append(f"reference range not kept: {exc.message}")
            return None

    def received_code(self, spec: Analyte, source: Any) -> Coding | None:
        if not source or source in (spec.code, spec.id):
            return None
        if source in spec.alternate_codes:
            return Coding(LOINC if spec.system == LOINC else LOCAL_SYSTEM, str(source))
        return Coding(SOURCE_VALUE_SYSTEM, str(source))

    def drug(self, row: Mapping[str, Any]) -> str:
        source = row.get("drug_source_value")
        if source in DRUGS:
            return str(source)
        if source:
            try:
                return find_drug(str(source)).id
            except UnknownCodeError:
                pass
        code = self.concepts.remit_code("drug", row.get("drug_concept_id"))
        if code is None:
            raise UnknownCodeError(f"no remit drug for source value {source!r} / concept {row.get('drug_concept_id')}")
        return code


def as_date(value: Value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    raise RecordError(f"expected a date detail, not {value!r}")


def as_int(value: Value) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise RecordError(f"expected an integer detail, not {value!r}")


def as_text(value: Value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise RecordError(f"expected a text detail, not {value!r}")


def as_coding(value: Value) -> Coding:
    if isinstance(value, list) and len(value) == 3 and all(v is None or isinstance(v, str) for v in value):
        system, code, display = value
        if system and code:
            return Coding(system, code, display)
    raise RecordError(f"a coding detail is [system, code, display], not {value!r}")


def as_codings(value: Value) -> tuple[Coding, ...]:
    if not isinstance(value, list):
        raise RecordError(f"a codings detail is a list, not {value!r}")
    return tuple(as_coding(item) for item in value)
