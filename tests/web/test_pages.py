"""The patient list and page, and every form: values kept beside their errors,
stale edits refused with what changed, nothing stored that was not meant to be."""

from __future__ import annotations

import re

import pytest

from remit.services.web_records import read_record
from tests.web.conftest import PATIENT_A, World, version_in


def record_of(world: World, patient_id: str = PATIENT_A):  # type: ignore[no-untyped-def]
    with world.db.session() as session:
        return read_record(session, patient_id)


MAS_LABS = {
    "date": "2024-02-01",
    "kind": "admission",
    "fever": "39.6",
    "labs[0].analyte": "ferritin",
    "labs[0].value": ">2000",
    "labs[0].unit": "ng/mL",
    "labs[1].analyte": "platelets",
    "labs[1].value": "95",
    "labs[1].unit": "10*9/L",
    "labs[2].analyte": "ast",
    "labs[2].value": "180",
    "labs[2].unit": "U/L",
}


def test_the_list_shows_own_site_patients_with_badges_and_searches(world: World) -> None:
    client = world.client("investigator")
    page = client.get("/patients").text
    assert "pa-1" in page
    assert "pb-1" not in page
    assert 'data-badge="mas_indeterminate"' not in page
    assert 'data-badge="overdue"' in page
    assert "Month-3 assessment (due 2024-04-10)" in page
    fragment = client.get("/patients?q=nothing-like-this", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert "No patients" in fragment.text
    assert "pa-1" in client.get("/patients?q=anakinra", headers={"HX-Request": "true"}).text


def test_the_patient_page_shows_every_section(world: World) -> None:
    page = world.client("investigator").get("/patients/pa-1").text
    for part in (
        "Criteria",
        "Decisive unknowns",
        "Medication courses and dose checks",
        "Encounters and labs",
        "Findings",
        "Episodes",
        "Adverse events",
        "Diary",
        "/patients/pa-1/figure.png",
        "born 2016-05-17",
    ):
        assert part in page, part
    assert 'data-instrument="mas_2016"' in page


def test_the_criteria_panel_is_re_evaluated_as_of_a_chosen_date(world: World) -> None:
    client = world.client("investigator")
    fragment = client.get("/patients/pa-1/criteria?on=2023-06-01", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "As of 2023-06-01" in fragment.text
    assert "<html" not in fragment.text
    assert "As of 2023-06-01" in client.get("/patients/pa-1?on=2023-06-01").text
    assert client.get("/patients/pa-1/criteria?on=2023-06-01").status_code == 303  # no JS: the whole page
    assert client.get("/patients/pa-1?on=June").status_code == 422


def test_the_course_figure_is_a_png(world: World) -> None:
    response = world.client("dataentry").get("/patients/pa-1/figure.png")
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_a_statistician_sees_pseudonyms_shifted_dates_and_no_birth_date(world: World) -> None:
    client = world.client("statistician")
    listing = client.get("/patients").text
    pseudonym = world.pseudonym(PATIENT_A)
    assert pseudonym in listing
    assert "pa-1" not in listing
    assert "2016-05" not in listing
    page = client.get(f"/patients/{pseudonym}").text
    assert "pa-1" not in page
    assert "2016-05-17" not in page
    assert "2024-01-10" not in page  # every date is shifted
    assert "Pseudonymised view" in page
    assert client.get("/patients/pa-1").status_code == 404
    assert "Add encounter" not in page


def test_a_new_patient_is_created_and_invalid_fields_are_shown_with_the_values_kept(world: World) -> None:
    client = world.client("dataentry")
    bad = client.form(
        "/patients/new",
        {
            "id": "pa 2",
            "site": "site-a",
            "sex": "female",
            "birth": "2019-13",
            "condition": "sjia",
            "ethnicity": "kept text",
        },
    )
    assert bad.status_code == 422
    assert "letters, digits" in bad.text
    assert "write YYYY-MM or YYYY-MM-DD" in bad.text or "month must be" in bad.text
    assert 'value="kept text"' in bad.text
    other_site = client.form("/patients/new", {"id": "pa-2", "site": "site-b", "sex": "female", "condition": "sjia"})
    assert other_site.status_code == 422
    good = client.form(
        "/patients/new",
        {
            "id": "pa-2",
            "site": "site-a",
            "sex": "female",
            "birth": "2019-03",
            "condition": "sjia",
            "onset": "2023-01-02",
        },
    )
    assert good.status_code == 303
    assert good.headers["location"].startswith("/patients/pa-2")
    assert (
        client.form("/patients/new", {"id": "pa-2", "site": "site-a", "sex": "male", "condition": "fmf"}).status_code
        == 422
    )  # the id is taken


def test_an_encounter_with_labs_accepts_censored_values_and_the_mas_badge_and_evidence_appear(world: World) -> None:
    client = world.client("dataentry")
    form = client.get("/patients/pa-1/encounters/new").text
    assert 'list="lab-units"' in form
    saved = client.form("/patients/pa-1/encounters/new", {**MAS_LABS, "version": version_in(form)})
    assert saved.status_code == 303, saved.text
    listing = client.get("/patients").text
    assert 'data-badge="mas_met"' in listing
    page = client.get("/patients/pa-1").text
    assert "Ferritin" in page
    assert "&gt;2000" in page
    record, version = record_of(world)
    assert version == 2
    assert any(o.measurement.is_censored for o in record.observations)


def test_lab_errors_are_shown_beside_their_field_and_nothing_is_stored(world: World) -> None:
    client = world.client("dataentry")
    form = client.get("/patients/pa-1/encounters/new").text
    values = {**MAS_LABS, "labs[1].unit": "mg/dL", "labs[2].value": "lots", "version": version_in(form)}
    response = client.form("/patients/pa-1/encounters/new", values)
    assert response.status_code == 422
    row = re.search(r'name="labs\[1\]\.unit".*?</td>', response.text, re.S)
    assert row is not None
    assert "cannot express" in row.group(0)
    assert 'value="lots"' in response.text
    assert 'value="&gt;2000"' in response.text
    assert record_of(world)[1] == 1


def test_a_stale_edit_is_refused_with_what_changed_and_the_typed_values_kept(world: World) -> None:
    mine, theirs = world.client("dataentry"), world.client("investigator")
    form = mine.get("/patients/pa-1/edit").text
    old = version_in(form)
    other_form = theirs.get("/patients/pa-1/encounters/new").text
    assert (
        theirs.form("/patients/pa-1/encounters/new", {**MAS_LABS, "version": version_in(other_form)}).status_code == 303
    )
    stale = mine.form(
        "/patients/pa-1/edit", {"site": "site-a", "sex": "male", "ethnicity": "typed by me", "version": old}
    )
    assert stale.status_code == 409
    assert "changed by investigator" in stale.text
    assert "encounters: added" in stale.text
    assert 'value="typed by me"' in stale.text
    assert version_in(stale.text) == old + 1
    record, _ = record_of(world)
    assert record.patient.sex.value == "female"  # nothing of the stale edit was stored
    again = mine.form(
        "/patients/pa-1/edit",
        {"site": "site-a", "sex": "male", "ethnicity": "typed by me", "version": version_in(stale.text)},
    )
    assert again.status_code == 303
    record, _ = record_of(world)
    assert record.patient.sex.value == "male"
    assert len(record.encounters) == 2  # the other change is kept too


def test_a_dose_outside_the_usual_range_is_flagged(world: World) -> None:
    client = world.client("investigator")
    form = client.get("/patients/pa-1/medications/m1/doses/new").text
    saved = client.form(
        "/patients/pa-1/medications/m1/doses/new",
        {"start": "2024-01-20", "amount": "20", "unit": "mg/kg", "frequency": "daily", "version": version_in(form)},
    )
    assert saved.status_code == 303, saved.text
    page = client.get("/patients/pa-1").text
    assert re.search(r'data-verdict="above_(usual|maximum)"', page)
    assert 'data-badge="dose"' in client.get("/patients").text


@pytest.mark.parametrize(
    ("section", "values", "item_check"),
    [
        pytest.param(
            "diagnoses",
            {"condition": "mas", "status": "suspected", "onset": "2024-01-11"},
            lambda r: any(d.condition == "mas" for d in r.diagnoses),
            id="diagnosis",
        ),
        pytest.param(
            "findings",
            {
                "kind": "splenomegaly",
                "present": "yes",
                "start": "2024-01-11",
                "value": "3",
                "unit": "cm",
                "attributes": "note=firm",
            },
            lambda r: any(f.kind == "splenomegaly" for f in r.findings),
            id="finding",
        ),
        pytest.param(
            "medications",
            {
                "drug": "prednisolone",
                "route": "oral",
                "start": "2024-01-11",
                "amount": "1",
                "unit": "mg/kg",
                "frequency": "daily",
            },
            lambda r: any(m.drug == "prednisolone" for m in r.medications),
            id="medication",
        ),
        pytest.param(
            "episodes",
            {"kind": "flare", "start": "2024-01-12", "features": ["arthritis", "fever"], "max_temperature_c": "39.1"},
            lambda r: any(e.features == ("arthritis", "fever") for e in r.episodes),
            id="episode",
        ),
        pytest.param(
            "adverse-events",
            {
                "term": "pneumonia",
                "onset": "2024-01-15",
                "serious": ["hospitalisation"],
                "relatedness": "possible",
                "outcome": "recovering",
                "drug": "anakinra",
            },
            lambda r: any(a.serious for a in r.adverse_events),
            id="adverse-event",
        ),
    ],
)
def test_each_item_form_adds_edits_and_deletes(
    world: World, section: str, values: dict[str, object], item_check: object
) -> None:
    client = world.client("dataentry")
    form = client.get(f"/patients/pa-1/{section}/new").text
    response = client.form(f"/patients/pa-1/{section}/new", {**values, "version": version_in(form)})
    assert response.status_code == 303, response.text
    record, version = record_of(world)
    assert item_check(record)  # type: ignore[operator]
    attribute = section.replace("-", "_")
    new_id = (
        [x.id for x in getattr(record, attribute)][-1]
        if section != "medications"
        else next(m.id for m in record.medications if m.drug == "prednisolone")
    )
    edit = client.get(f"/patients/pa-1/{section}/{new_id}/edit")
    assert edit.status_code == 200
    assert client.form(f"/patients/pa-1/{section}/{new_id}/edit", {**values, "version": version}).status_code == 303
    record, version = record_of(world)
    assert client.form(f"/patients/pa-1/{section}/{new_id}/delete", {"version": version}).status_code == 303
    record, _ = record_of(world)
    assert new_id not in {x.id for x in getattr(record, attribute)}
    if section == "adverse-events":
        assert 'data-badge="serious_ae"' not in client.get("/patients").text


def test_an_unresolved_serious_adverse_event_is_flagged(world: World) -> None:
    client = world.client("dataentry")
    form = client.get("/patients/pa-1/adverse-events/new").text
    client.form(
        "/patients/pa-1/adverse-events/new",
        {
            "term": "sepsis",
            "onset": "2024-01-15",
            "serious": ["life_threatening"],
            "relatedness": "possible",
            "outcome": "not_recovered",
            "version": version_in(form),
        },
    )
    assert 'data-badge="serious_ae"' in client.get("/patients").text


def test_an_unknown_form_or_item_is_404(world: World) -> None:
    client = world.client("dataentry")
    assert client.get("/patients/pa-1/spells/new").status_code == 404
    assert client.get("/patients/pa-1/findings/nope/edit").status_code == 404


def test_another_lab_row_comes_as_a_fragment_with_the_next_button(world: World) -> None:
    fragment = world.client("dataentry").get("/patients/pa-1/lab-row?i=6", headers={"HX-Request": "true"}).text
    assert 'name="labs[6].analyte"' in fragment
    assert "lab-row?i=7" in fragment
    assert 'hx-swap-oob="true"' in fragment


def test_history_and_deleting_a_patient(world: World) -> None:
    client = world.client("investigator")
    history = client.get("/patients/pa-1/history").text
    assert "create" in history
    form = client.get("/patients/pa-1/edit").text
    assert client.form("/patients/pa-1/delete", {"version": version_in(form)}).status_code == 303
    assert client.get("/patients/pa-1").status_code == 404
    assert world.client("dataentry").form("/patients/pb-1/delete", {"version": 1}).status_code == 404
