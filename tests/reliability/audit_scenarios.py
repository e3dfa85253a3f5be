"""The requests of the audit completeness test: one per mutating route (and per section
of the item form), with who makes it, what it should log, and how to read the state of
the entity it changes without the audit log.

Kept apart from the test so each file stays readable; ``SCENARIOS`` is what
``test_audit_completeness.py`` checks against the app's router.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from remit import casefiles
from remit.errors import NotFoundError
from remit.persistence.accounts import AccountRepository
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.services.accounts import find_user, list_sites
from remit.services.web_records import read_record
from remit.services.web_sessions import create_diary_link
from tests.web.conftest import PASSWORD, Client, World, form_token
from tests.web.records import sjia_patient

# ----- reading the state of an entity, without the audit log --------------------------------


def state_of(world: World, entity: str, entity_id: str) -> Any:
    with world.db.session() as session:
        if entity == "patient":
            try:
                record, _ = read_record(session, entity_id)
            except NotFoundError:
                return None
            return casefiles.dump(record)
        if entity == "user":
            account = find_user(session, entity_id)
            return None if account is None else account.snapshot()
        if entity == "site":
            site = next((s for s in list_sites(session) if s.code == entity_id), None)
            return None if site is None else {"code": site.code, "name": site.name}
        if entity == "diary_link":
            with session.begin():
                try:
                    link = AccountRepository(session).diary_link_by_id(int(entity_id))
                except NotFoundError:
                    return None
            return None if link.revoked else {"patient": link.patient_id}
    raise AssertionError(f"no reader for {entity}")


def audit_entries(world: World) -> list[AuditEntry]:
    with world.db.session() as session, session.begin():
        return list(AuditTrail(session).entries())


def newest_link_id(world: World) -> str:
    with world.db.session() as session, session.begin():
        return str(max(link.id for link in AccountRepository(session).diary_links("pa-1")))


class _Form(HTMLParser):
    """The values a browser would submit from the first form that has a version field."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif a.get("type") not in ("submit", "button"):
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def _add(self, name: str, value: str) -> None:
        if name in self.values:
            old = self.values[name]
            self.values[name] = [*old, value] if isinstance(old, list) else [old, value]
        else:
            self.values[name] = value


def prefilled(client: Client, url: str) -> dict[str, Any]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    parser = _Form()
    parser.feed(page.text)
    parser.values.pop("csrf_token", None)
    return parser.values


# ----- the scenarios: one request each ---------------------------------------------------------


@dataclass
class Call:
    client: Client
    method: str
    url: str
    entity: str
    entity_id: str | Callable[[], str]
    action: str
    actor: str
    form: dict[str, Any] | None = None
    json: Any = None
    raw_form: bool = False  # the diary form carries its own token, not the session's
    versioned: dict[str, Any] = field(default_factory=dict)  # where the version goes, to make it stale

    def send(self, *, stale: bool = False) -> Any:
        url = self.url
        form = dict(self.form or {})
        body = self.json
        if stale:
            if "form" in self.versioned:
                form["version"] = "0"
            if "query" in self.versioned:
                url = url.replace("version=1", "version=0")
            if "json" in self.versioned:
                body = {**body, "version": 0}
        if self.json is not None or self.method in ("PUT", "DELETE"):
            return self.client.json_call(self.method, url, json=body)
        if self.raw_form:
            return self.client.post(url, data=form)
        return self.client.form(url, form)


Scenario = Callable[[World], Call]
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
}
SECTION_VALUES: dict[str, dict[str, Any]] = {
    "encounters": MAS_LABS,
    "diagnoses": {"condition": "mas", "status": "suspected", "onset": "2024-01-11"},
    "findings": {"kind": "splenomegaly", "present": "yes", "start": "2024-01-11", "value": "3", "unit": "cm"},
    "medications": {
        "drug": "prednisolone",
        "route": "oral",
        "start": "2024-01-11",
        "amount": "1",
        "unit": "mg/kg",
        "frequency": "daily",
    },
    "episodes": {"kind": "flare", "start": "2024-01-12", "features": ["arthritis", "fever"]},
    "adverse-events": {
        "term": "pneumonia",
        "onset": "2024-01-15",
        "serious": ["hospitalisation"],
        "relatedness": "possible",
        "outcome": "recovering",
        "drug": "anakinra",
    },
}


def _patient_call(world: World, method: str, url: str, action: str = "replace", **kw: Any) -> Call:
    user = kw.pop("user", "investigator")
    return Call(world.client(user), method, url, "patient", kw.pop("entity_id", "pa-1"), action, user, **kw)


def new_item(section: str) -> Scenario:
    def make(world: World) -> Call:
        return _patient_call(
            world,
            "POST",
            f"/patients/pa-1/{section}/new",
            user="dataentry",
            form={**SECTION_VALUES[section], "version": "1"},
            versioned={"form": True},
        )

    return make


def edit_diagnosis(world: World) -> Call:
    client = world.client("dataentry")
    values = prefilled(client, "/patients/pa-1/diagnoses/dx1/edit") | {"status": "resolved", "note": "audit test"}
    return Call(
        client,
        "POST",
        "/patients/pa-1/diagnoses/dx1/edit",
        "patient",
        "pa-1",
        "replace",
        "dataentry",
        form=values,
        versioned={"form": True},
    )


def edit_patient(world: World) -> Call:
    client = world.client("investigator")
    values = prefilled(client, "/patients/pa-1/edit") | {"ethnicity": "changed in the audit test"}
    return Call(
        client,
        "POST",
        "/patients/pa-1/edit",
        "patient",
        "pa-1",
        "replace",
        "investigator",
        form=values,
        versioned={"form": True},
    )


def diary_day(world: World) -> Call:
    with world.db.session() as session:
        made = create_diary_link(session, "pa-1", actor="tests")
    family = world.client()
    page = family.get(f"/diary/{made.token}")
    values = {"date": "2024-01-12", "fever": "yes", "skin_rash": "no", "csrf_token": form_token(page.text)}
    return Call(
        family,
        "POST",
        f"/diary/{made.token}",
        "patient",
        "pa-1",
        "replace",
        f"diary-link:{made.link.id}",
        form=values,
        raw_form=True,
    )


def revoke_link(world: World) -> Call:
    with world.db.session() as session:
        made = create_diary_link(session, "pa-1", actor="tests")
    return Call(
        world.client("investigator"),
        "POST",
        f"/patients/pa-1/diary-links/{made.link.id}/revoke",
        "diary_link",
        str(made.link.id),
        "delete",
        "investigator",
    )


def edit_user(world: World) -> Call:
    target = world.users["dataentry"]
    values = {
        "version": "1",
        "display_name": "Renamed",
        "role": "data_entry",
        "sites": ["site-a", "site-b"],
        "active": "yes",
    }
    return Call(
        world.client("admin"),
        "POST",
        f"/admin/users/{target.id}",
        "user",
        "dataentry",
        "update",
        "admin",
        form=values,
        versioned={"form": True},
    )


def new_password(world: World) -> Call:
    target = world.users["dataentry"]
    return Call(
        world.client("admin"),
        "POST",
        f"/admin/users/{target.id}/password",
        "user",
        "dataentry",
        "update",
        "admin",
        form={"version": "1", "password": "another long password"},
        versioned={"form": True},
    )


def api_replace(world: World) -> Call:
    record = dataclasses.replace(sjia_patient("pa-1", "site-a"), diagnoses=())
    return _patient_call(
        world, "PUT", "/api/v1/patients/pa-1?version=1", json=casefiles.dump(record), versioned={"query": True}
    )


SCENARIOS: list[tuple[tuple[str, str], str, Scenario]] = [
    (
        ("POST", "/admin/sites"),
        "add-site",
        lambda w: Call(
            w.client("admin"),
            "POST",
            "/admin/sites",
            "site",
            "site-c",
            "create",
            "admin",
            form={"code": "site-c", "name": "Site C"},
        ),
    ),
    (
        ("POST", "/admin/sites/{site_code}"),
        "rename-site",
        lambda w: Call(
            w.client("admin"),
            "POST",
            "/admin/sites/site-a",
            "site",
            "site-a",
            "update",
            "admin",
            form={"name": "First site"},
        ),
    ),
    (
        ("POST", "/admin/users/new"),
        "add-user",
        lambda w: Call(
            w.client("admin"),
            "POST",
            "/admin/users/new",
            "user",
            "newcomer",
            "create",
            "admin",
            form={
                "username": "newcomer",
                "display_name": "New",
                "role": "investigator",
                "sites": ["site-a"],
                "password": PASSWORD,
            },
        ),
    ),
    (("POST", "/admin/users/{user_id}"), "edit-user", edit_user),
    (("POST", "/admin/users/{user_id}/password"), "set-password", new_password),
    (
        ("POST", "/api/v1/patients"),
        "api-create",
        lambda w: _patient_call(
            w,
            "POST",
            "/api/v1/patients",
            "create",
            entity_id="pa-9",
            json=casefiles.dump(sjia_patient("pa-9", "site-a")),
        ),
    ),
    (("PUT", "/api/v1/patients/{patient_id}"), "api-replace", api_replace),
    (
        ("DELETE", "/api/v1/patients/{patient_id}"),
        "api-delete",
        lambda w: _patient_call(w, "DELETE", "/api/v1/patients/pa-1?version=1", "delete", versioned={"query": True}),
    ),
    (
        ("POST", "/api/v1/patients/{patient_id}/encounters"),
        "api-encounter",
        lambda w: _patient_call(
            w,
            "POST",
            "/api/v1/patients/pa-1/encounters",
            json={
                "version": 1,
                "date": "2024-02-01",
                "labs": [{"analyte": "ferritin", "value": "2300", "unit": "ng/mL"}],
            },
            versioned={"json": True},
        ),
    ),
    (("POST", "/diary/{token}"), "diary-day", diary_day),
    (
        ("POST", "/patients/{patient_id}/diary-links"),
        "new-diary-link",
        lambda w: Call(
            w.client("investigator"),
            "POST",
            "/patients/pa-1/diary-links",
            "diary_link",
            lambda: newest_link_id(w),
            "create",
            "investigator",
        ),
    ),
    (("POST", "/patients/{patient_id}/diary-links/{link_id}/revoke"), "revoke-diary-link", revoke_link),
    (
        ("POST", "/patients/{patient_id}/medications/{item_id}/doses/new"),
        "dose-change",
        lambda w: _patient_call(
            w,
            "POST",
            "/patients/pa-1/medications/m1/doses/new",
            form={"start": "2024-01-20", "amount": "3", "unit": "mg/kg", "frequency": "daily", "version": "1"},
            versioned={"form": True},
        ),
    ),
    *[(("POST", "/patients/{patient_id}/{section}/new"), f"new-{s}", new_item(s)) for s in SECTION_VALUES],
    (("POST", "/patients/{patient_id}/{section}/{item_id}/edit"), "edit-diagnosis", edit_diagnosis),
    (
        ("POST", "/patients/{patient_id}/{section}/{item_id}/delete"),
        "delete-finding",
        lambda w: _patient_call(
            w, "POST", "/patients/pa-1/findings/f1/delete", form={"version": "1"}, versioned={"form": True}
        ),
    ),
    (
        ("POST", "/exports"),
        "export",
        lambda w: Call(
            w.client("investigator"),
            "POST",
            "/exports",
            "patient",
            "pa-1",
            "export",
            "investigator",
            form={"format": "fhir", "patient": "pa-1", "deidentify": "yes", "reason": "audit test"},
        ),
    ),
    (
        ("POST", "/patients/new"),
        "web-create",
        lambda w: _patient_call(
            w,
            "POST",
            "/patients/new",
            "create",
            entity_id="pa-2",
            form={"id": "pa-2", "site": "site-a", "sex": "male", "condition": "fmf"},
        ),
    ),
    (("POST", "/patients/{patient_id}/edit"), "web-edit", edit_patient),
    (
        ("POST", "/patients/{patient_id}/delete"),
        "web-delete",
        lambda w: _patient_call(
            w,
            "POST",
            "/patients/pa-1/delete",
            "delete",
            form={"version": "1", "reason": "entered twice"},
            versioned={"form": True},
        ),
    ),
]
