"""Administration (audited), the audit log, the cohort page, exports, and `remit serve`."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from remit.services.accounts import account_history
from remit.services.web_records import audit_log
from tests.web.conftest import PASSWORD, World, version_in


def test_an_administrator_creates_a_site_and_a_user_and_both_are_audited(world: World) -> None:
    admin = world.client("admin")
    assert admin.form("/admin/sites", {"code": "site-c", "name": "Site C"}).status_code == 303
    duplicate = admin.form("/admin/sites", {"code": "site-c"})
    assert duplicate.status_code == 422
    created = admin.form(
        "/admin/users/new",
        {"username": "newbie", "display_name": "New", "role": "data_entry", "sites": ["site-c"], "password": PASSWORD},
    )
    assert created.status_code == 303
    weak = admin.form("/admin/users/new", {"username": "weak", "role": "data_entry", "password": "short"})
    assert weak.status_code == 422
    assert "at least 10 characters" in weak.text
    assert 'value="weak"' in weak.text
    with world.db.session() as session:
        history = account_history(session)
    assert [(e.entity, e.entity_id, e.action) for e in history][-2:] == [
        ("site", "site-c", "create"),
        ("user", "newbie", "create"),
    ]
    assert "password" not in json.dumps([e.after for e in history])
    audit = admin.get("/audit").text
    assert "user newbie" in audit


def test_an_administrator_changes_a_role_and_a_password_with_version_checks(world: World) -> None:
    admin = world.client("admin")
    user_id = world.users["dataentry"].id
    page = admin.get(f"/admin/users/{user_id}").text
    version = version_in(page)
    saved = admin.form(
        f"/admin/users/{user_id}",
        {
            "display_name": "DE",
            "role": "investigator",
            "sites": ["site-a", "site-b"],
            "active": "yes",
            "version": version,
        },
    )
    assert saved.status_code == 303
    stale = admin.form(f"/admin/users/{user_id}", {"role": "statistician", "active": "yes", "version": version})
    assert stale.status_code == 422
    assert "changed since it was read" in stale.text
    assert (
        admin.form(
            f"/admin/users/{user_id}/password", {"password": "another long one", "version": version + 1}
        ).status_code
        == 303
    )
    assert world.client("dataentry").get("/patients/pb-1").status_code == 200  # site-b was added


def test_an_administrator_cannot_lock_themself_out(world: World) -> None:
    admin = world.client("admin")
    own = world.users["admin"].id
    response = admin.form(f"/admin/users/{own}", {"role": "admin", "active": "no", "version": 1})
    assert response.status_code == 422


def test_the_audit_log_shows_only_own_site_patients(world: World) -> None:
    page = world.client("investigator").get("/audit").text
    assert "patient pa-1" in page
    assert "patient pb-1" not in page
    assert "user admin" not in page  # accounts are for administrators


def test_the_cohort_page_renders_the_report_tables_or_says_why_not(world: World) -> None:
    page = world.client("statistician").get("/cohort")
    assert page.status_code == 200
    assert "member(s) among the 1 patient(s) of your sites" in page.text
    assert world.client("investigator").get("/cohort?cohort=unknown").status_code == 422


def test_an_fhir_export_is_downloaded_and_every_patient_logged(world: World) -> None:
    client = world.client("investigator")
    response = client.form("/exports", {"format": "fhir", "reason": "test"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    with world.db.session() as session:
        logged = [e for e in audit_log(session, patient_ids={"pa-1"}, accounts=False) if e.action == "export"]
    assert logged
    assert "fhir export (identified)" in (logged[0].reason or "")


def test_a_statistician_export_is_always_de_identified(world: World) -> None:
    client = world.client("statistician")
    response = client.form("/exports", {"format": "tidy", "deidentify": "no"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "pa-1" not in text
    assert world.pseudonym("pa-1") in text
    assert client.form("/exports", {"format": "casefile", "patient": "pa-1"}).status_code == 422


def test_a_case_file_export_is_one_identified_patient(world: World) -> None:
    client = world.client("investigator")
    response = client.form("/exports", {"format": "casefile", "patient": "pa-1"})
    assert response.status_code == 200
    assert b"id: pa-1" in response.content
    assert client.form("/exports", {"format": "casefile", "patient": "pb-1"}).status_code == 422


def test_remit_serve_starts_uvicorn_on_the_database(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    from remit.cli.app import app

    seen: dict[str, object] = {}

    def run(application: object, **kwargs: object) -> None:  # instead of serving: note and close the database
        seen.update(kwargs, app=application)
        application.state.remit.db.dispose()  # type: ignore[attr-defined]

    monkeypatch.setattr(uvicorn, "run", run)
    url = str(world.app.state.remit.settings.database_url)
    result = CliRunner().invoke(app, ["--database", url, "serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert seen["port"] == 8765
    assert seen["host"] == "127.0.0.1"
    assert "at http://127.0.0.1:8765/" in result.output


def test_demo_serve_adds_one_user_per_role_and_prints_the_logins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from remit.cli.serve import serve_demo
    from remit.persistence.schema import migrate
    from remit.services.accounts import Role, list_users
    from remit.services.web_database import WebDatabase

    path = tmp_path / "demo.sqlite3"
    migrate(f"sqlite:///{path}")

    def run(application: object, **kwargs: object) -> None:
        application.state.remit.db.dispose()  # type: ignore[attr-defined]

    monkeypatch.setattr(uvicorn, "run", run)
    serve_demo(path, "127.0.0.1", 8766)
    printed = capsys.readouterr().out
    assert "demo-investigator-pass" in printed
    assert "http://127.0.0.1:8766/" in printed
    from remit.config import Settings

    database = WebDatabase(Settings(database_url=f"sqlite:///{path}"))
    with database.session() as session:
        roles = {Role(u.role) for u in list_users(session)}
    database.dispose()
    assert roles == set(Role)
