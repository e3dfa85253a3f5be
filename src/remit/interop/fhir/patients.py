"""Patient <-> :class:`~remit.core.record.Patient`, with the record-level
facts FHIR has no element for (genotypes, follow-up period, ethnicity, note,
age at index) as remit extensions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from remit.core.record import BirthDate, Genotype, GenotypeClass, Patient, Sex, Zygosity
from remit.errors import RecordError
from remit.interop.fhir.context import WriteContext
from remit.interop.fhir.elements import (
    JSON,
    ext,
    extension,
    extension_value,
    extensions,
    identifier_value,
    note_extension,
    optional_day,
    period,
    with_extensions,
)
from remit.interop.fhir.terminology import Ext, System
from remit.interop.subjects import ExportSubject


def patient_resource(subject: ExportSubject, ctx: WriteContext) -> JSON:
    record = subject.record
    p = record.patient
    resource: JSON = {
        "resourceType": "Patient",
        "id": ctx.patient_id,
        "identifier": [{"system": System.PATIENT_ID, "value": p.id}],
        "gender": p.sex.value,
        "managingOrganization": {"identifier": {"system": System.SITE, "value": p.site}, "display": p.site},
    }
    if p.birth is not None:
        resource["birthDate"] = p.birth.iso()
    items: list[JSON | None] = [_genotype(g) for g in p.genotypes]
    if record.follow_up is not None:
        items.append(ext(Ext.FOLLOW_UP, valuePeriod=period(*record.follow_up)))
    if p.ethnicity is not None:
        items.append(ext(Ext.ETHNICITY, valueString=p.ethnicity))
    if subject.deidentified and subject.age_at_index is not None:
        age = {"value": subject.age_at_index, "unit": "a", "system": System.UCUM, "code": "a"}
        items.append(ext(Ext.AGE_AT_INDEX, valueAge=age))
    items.append(note_extension(p.note))
    return with_extensions(resource, items)


def _genotype(g: Genotype) -> JSON:
    return ext(
        Ext.GENOTYPE,
        extension=[
            ext("gene", valueString=g.gene),
            ext("variant", valueString=g.variant),
            ext("zygosity", valueCode=g.zygosity.value),
            ext("classification", valueCode=g.classification.value),
        ],
    )


def read_patient(
    resource: Mapping[str, Any], default_site: str, notes: list[str]
) -> tuple[Patient, tuple[date, date] | None]:
    """The patient and the declared follow-up period."""
    patient_id = identifier_value(resource, System.PATIENT_ID) or resource.get("id")
    if not patient_id:
        raise RecordError("the Patient has neither a remit identifier nor an id")
    organisation = resource.get("managingOrganization") or {}
    site_identifier = organisation.get("identifier") or {}
    site = site_identifier.get("value") if site_identifier.get("system") == System.SITE else None
    site = site or organisation.get("display") or default_site
    gender = resource.get("gender")
    sex = Sex(gender) if gender in {s.value for s in Sex} else Sex.UNKNOWN
    patient = Patient(
        id=str(patient_id),
        site=str(site),
        sex=sex,
        birth=_birth(resource.get("birthDate"), notes),
        genotypes=_genotypes(resource, notes),
        ethnicity=extension_value(resource, Ext.ETHNICITY, "valueString"),
        note=extension_value(resource, Ext.NOTE, "valueString"),
    )
    try:
        follow_up = _follow_up(resource)
    except RecordError as exc:
        notes.append(f"follow-up period not kept: {exc.message}")
        follow_up = None
    return patient, follow_up


def _genotypes(resource: Mapping[str, Any], notes: list[str]) -> tuple[Genotype, ...]:
    found = []
    for item in extensions(resource, Ext.GENOTYPE):
        try:
            found.append(_read_genotype(item))
        except (RecordError, ValueError) as exc:
            notes.append(f"a genotype not kept: {exc}")
    return tuple(found)


def _birth(value: Any, notes: list[str]) -> BirthDate | None:
    if value is None:
        return None
    parts = str(value).split("-")
    if len(parts) < 2:
        notes.append(f"birth date {value} not kept: remit needs at least the month")
        return None
    try:
        return BirthDate(int(parts[0]), int(parts[1]), int(parts[2][:2]) if len(parts) > 2 else None)
    except ValueError as exc:
        notes.append(f"birth date {value} not kept: {exc}")
        return None


def _read_genotype(item: Mapping[str, Any]) -> Genotype:
    gene = extension_value(item, "gene", "valueString")
    variant = extension_value(item, "variant", "valueString")
    if not isinstance(gene, str) or not isinstance(variant, str):
        raise RecordError("a genotype extension needs a gene and a variant")
    zygosity = extension_value(item, "zygosity", "valueCode") or Zygosity.UNKNOWN.value
    classification = extension_value(item, "classification", "valueCode") or GenotypeClass.UNKNOWN.value
    return Genotype(gene, variant, Zygosity(zygosity), GenotypeClass(classification))


def _follow_up(resource: Mapping[str, Any]) -> tuple[date, date] | None:
    found = extension(resource, Ext.FOLLOW_UP)
    if found is None:
        return None
    span = found.get("valuePeriod") or {}
    start = optional_day(span.get("start"), "follow-up start")
    end = optional_day(span.get("end"), "follow-up end")
    if start is None or end is None:
        raise RecordError("the follow-up period needs a start and an end")
    return (start, end)
