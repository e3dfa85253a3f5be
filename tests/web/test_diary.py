"""The diary link: one patient's AIDAI items, nothing else, no account."""

from __future__ import annotations

import re

from remit.core.record import AIDAI_ITEMS
from remit.services.web_records import read_record
from tests.web.conftest import PATIENT_A, World, form_token


def new_link(world: World) -> str:
    client = world.client("dataentry")
    page = client.get("/patients/pa-1/diary-links").text
    created = client.post("/patients/pa-1/diary-links", data={"csrf_token": form_token(page)})
    assert created.status_code == 201
    found = re.search(r'id="new-diary-link">http://testserver(/diary/[^<]+)<', created.text)
    assert found is not None
    return found.group(1)


def test_a_family_enters_a_diary_day_through_the_link(world: World) -> None:
    path = new_link(world)
    family = world.client()
    page = family.get(path)
    assert page.status_code == 200
    assert all(f'name="{item}"' in page.text for item in AIDAI_ITEMS)
    for private in ("pa-1", "site-a", "sjia", "anakinra", "Sign out"):
        assert private not in page.text
    answers = dict.fromkeys(AIDAI_ITEMS, "no") | {"fever": "yes", "skin_rash": "yes"}
    saved = family.post(
        path, data={"date": "2024-01-12", **answers, "pain_relief": "yes", "csrf_token": form_token(page.text)}
    )
    assert saved.status_code == 303
    assert "fever, skin rash" in family.get(path).text
    with world.db.session() as session:
        record, _ = read_record(session, PATIENT_A)
    assert record.diary[-1].answer("fever") is True
    assert record.diary[-1].pain_relief is True
    assert "1 day(s)" in world.client("investigator").get("/patients/pa-1").text


def test_the_diary_form_keeps_answers_when_the_date_is_missing(world: World) -> None:
    path = new_link(world)
    family = world.client()
    page = family.get(path).text
    response = family.post(path, data={"fever": "yes", "csrf_token": form_token(page)})
    assert response.status_code == 422
    assert 'value="yes" checked' in response.text


def test_the_diary_form_needs_its_token_and_a_revoked_link_is_gone(world: World) -> None:
    path = new_link(world)
    family = world.client()
    assert family.post(path, data={"date": "2024-01-12", "csrf_token": "forged"}).status_code == 403
    assert family.get("/diary/not-a-token").status_code == 404
    client = world.client("dataentry")
    page = client.get("/patients/pa-1/diary-links").text
    link_id = re.search(r"/diary-links/(\d+)/revoke", page)
    assert link_id is not None
    assert client.form(f"/patients/pa-1/diary-links/{link_id.group(1)}/revoke").status_code == 303
    assert family.get(path).status_code == 404


def test_a_diary_link_opens_no_other_page(world: World) -> None:
    path = new_link(world)
    family = world.client()
    family.get(path)
    assert family.get("/patients").status_code == 303
    assert family.get("/api/v1/patients").status_code == 401


def test_the_patient_page_counts_the_live_diary_links(world: World) -> None:
    """The page's line about diary links (read by the access guard with the session): absent
    without links, then the live ones counted, revoked ones not."""
    client = world.client("dataentry")
    assert "diary link(s)" not in client.get("/patients/pa-1").text
    new_link(world)
    new_link(world)
    assert "2 active diary link(s)." in client.get("/patients/pa-1").text
    page = client.get("/patients/pa-1/diary-links").text
    link_id = re.search(r"/diary-links/(\d+)/revoke", page)
    assert link_id is not None
    assert client.form(f"/patients/pa-1/diary-links/{link_id.group(1)}/revoke").status_code == 303
    assert "1 active diary link(s)." in client.get("/patients/pa-1").text
    assert "diary link(s)" not in world.client("statistician").get(f"/patients/{world.pseudonym('pa-1')}").text
