"""What the exported FHIR looks like to another system: LOINC, UCUM,
comparators, interpretations, reference ranges, dosages, remit extensions."""

from __future__ import annotations

from typing import Any

import pytest

from remit.interop.fhir import BASE, patient_resources
from tests.interop.identifiable import identifiable_record

UCUM = "http://unitsofmeasure.org"
ENTERED = f"{BASE}/StructureDefinition/value-as-entered"


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    return patient_resources(identifiable_record())


def observation(resources: list[dict[str, Any]], loinc: str) -> dict[str, Any]:
    return next(
        r
        for r in resources
        if r["resourceType"] == "Observation" and any(c["code"] == loinc for c in r["code"]["coding"])
    )


def entered(element: dict[str, Any]) -> dict[str, str]:
    (found,) = [e for e in element["extension"] if e["url"] == ENTERED]
    return {part["url"]: part["valueString"] for part in found["extension"]}


def test_a_censored_value_has_a_comparator_and_the_canonical_bound(resources: list[dict[str, Any]]) -> None:
    ferritin = observation(resources, "2276-4")
    assert ferritin["valueQuantity"] == {
        "comparator": ">",
        "value": 2000.0,
        "unit": "ng/mL",
        "system": UCUM,
        "code": "ng/mL",
    }
    assert entered(ferritin) == {"text": ">2000", "unit": "ng/mL"}
    assert ferritin["effectiveDateTime"] == "2016-07-16"


def test_a_converted_value_is_canonical_with_the_entered_one_beside_it(resources: list[dict[str, Any]]) -> None:
    crp = observation(resources, "1988-5")
    assert crp["valueQuantity"]["value"] == 36.0
    assert crp["valueQuantity"]["code"] == "mg/L"
    assert entered(crp) == {"text": "3.6", "unit": "mg/dL"}
    (reference,) = crp["referenceRange"]
    assert (reference["low"]["value"], reference["high"]["value"], reference["high"]["code"]) == (0, 5, "mg/L")


def test_a_qualitative_result_is_coded_and_interpreted(resources: list[dict[str, Any]]) -> None:
    rf = observation(resources, "rheumatoid_factor")
    assert rf["valueCodeableConcept"]["coding"][0]["code"] == "negative"
    assert rf["interpretation"][0]["coding"][0]["code"] == "NEG"
    assert "valueQuantity" not in rf


def test_dosage_per_step_with_timing_and_verified_drug_codes(resources: list[dict[str, Any]]) -> None:
    (statement,) = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    codes = [(c["system"].rsplit("/", 1)[-1], c["code"]) for c in statement["medicationCodeableConcept"]["coding"]]
    assert codes == [("drug", "anakinra"), ("atc", "L04AC03")]  # the RxNorm code is unverified: not written
    first, second = statement["dosage"]
    assert first["timing"]["repeat"] == {
        "boundsPeriod": {"start": "2016-07-16"},
        "frequency": 1,
        "period": 1,
        "periodUnit": "d",
    }
    assert first["doseAndRate"] == [{"doseQuantity": {"value": 2, "unit": "mg/kg/day"}}]
    assert second["timing"]["repeat"]["boundsPeriod"]["start"] == "2016-07-30"
    assert statement["statusReason"][0]["coding"][0]["code"] == "remission"
    assert statement["effectivePeriod"] == {"start": "2016-07-16", "end": "2016-08-19"}


def test_facts_without_a_fhir_home_use_documented_remit_urls(resources: list[dict[str, Any]]) -> None:
    urls = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("url"), str) and value["url"].startswith("http"):
                urls.add(value["url"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(resources)
    assert urls, "no extensions found"
    assert all(url.startswith(f"{BASE}/StructureDefinition/") for url in urls)
    patient = resources[0]
    assert patient["birthDate"] == "2009-04-17"
    assert {e["url"].rsplit("/", 1)[-1] for e in patient["extension"]} >= {"genotype", "follow-up"}
