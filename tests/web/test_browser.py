"""The registry in a real browser: Debian's Chromium driven by Playwright.

A live server (uvicorn, in a thread, on 127.0.0.1) serves the five seed demo
patients and the demo users. The walk: sign in, open the MAS demo patient, add
an encounter with labs and see the MAS badge and its evidence, get a dose
warning, get the conflict message of a stale edit (nothing lost), enter a
diary day through a diary link on a phone-sized page, sign out. Screenshots of the main pages are
taken on the way; with ``REMIT_SCREENSHOTS=docs/screenshots`` they replace the
pictures docs/web.md shows.

If Chromium cannot start, these tests fail: they are never skipped.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from remit import casefiles
from remit.config import Settings
from remit.demo import seed_case_files
from remit.services.web_database import WebDatabase
from remit.services.web_demo import create_demo_users
from remit.services.web_records import add_patient
from remit.web import create_app
from tests.web.conftest import HASHER, web_settings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS_VARIABLE = (
    "REMIT_SCREENSHOTS"  # a folder: `REMIT_SCREENSHOTS=docs/screenshots` refreshes the docs' pictures
)
MAS_PATIENT = "seed-003-p1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_server(database_url: str) -> Iterator[str]:
    settings = Settings(database_url=database_url, actor="demo")
    db = WebDatabase(settings)
    with db.session() as session:
        for path in seed_case_files():
            add_patient(session, casefiles.load(path), actor="demo", reason="demo")
        create_demo_users(session, HASHER)
    db.dispose()
    app = create_app(settings, web_settings(cohort_figures=True))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the screenshots go: ``$REMIT_SCREENSHOTS`` if set, else the test's temporary folder
    (so a test run leaves the committed pictures alone)."""
    chosen = os.environ.get(SCREENSHOTS_VARIABLE)
    folder = Path(chosen) if chosen else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, name: str, folder: Path | None, *, full_page: bool = False) -> None:
    if folder is not None:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 0


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Patients")


def test_a_clinician_walks_through_the_registry(
    live_server: str, browser: Browser, database_url: str, screenshots: Path
) -> None:
    keep = screenshots if database_url.startswith("sqlite") else None
    base = live_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login")
    shoot(page, "login", keep)
    sign_in(page, base, "investigator", "demo-investigator-pass")
    expect(page.locator(f"a[href='/patients/{MAS_PATIENT}']")).to_be_visible()
    shoot(page, "patients", keep)

    # The MAS demo patient; then an encounter with labs, one of them censored.
    page.click(f"a[href='/patients/{MAS_PATIENT}']")
    expect(page.locator("h1")).to_contain_text(MAS_PATIENT)
    expect(page.locator("[data-badge=mas_met]")).to_have_count(0)
    page.click("text=Add encounter with labs")
    page.fill("#f-date", "2009-05-01")
    page.select_option("#f-kind", "admission")
    page.fill("#f-weight", "25")
    page.fill("#f-fever", "39.6")
    labs = [
        ("ferritin", ">2000", "ng/mL"),
        ("platelets", "95", "10*9/L"),
        ("ast", "180", "U/L"),
        ("fibrinogen", "1.2", "g/L"),
    ]
    for i, (analyte, value, unit) in enumerate(labs):
        page.select_option(f"select[name='labs[{i}].analyte']", analyte)
        page.fill(f"input[name='labs[{i}].value']", value)
        page.fill(f"input[name='labs[{i}].unit']", unit)
    page.click("#more-labs")  # htmx appends a row
    expect(page.locator("select[name='labs[6].analyte']")).to_be_visible()
    shoot(page, "encounter-form", keep, full_page=True)
    page.click("button:text('Save')")
    expect(page.locator(".notice")).to_have_text("Saved.")
    expect(page.locator("[data-badge=mas_met]")).to_be_visible()
    mas = page.locator("details[data-instrument=mas_2016]")
    expect(mas.locator(".badge")).to_have_text("met")
    expect(mas.locator(".evidence")).to_contain_text("Ferritin")
    expect(mas.locator(".evidence")).to_contain_text(">2000")
    figure = page.locator("img.figure")
    expect(figure).to_have_js_property("complete", True)
    assert figure.evaluate("image => image.naturalWidth") > 0, "the course figure did not load"
    shoot(page, "patient", keep)
    page.locator("#criteria-panel").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#criteria-panel').scrollIntoView()")
    shoot(page, "patient-mas", keep)

    # The criteria panel as of another date (htmx fragment).
    page.fill("#on", "2008-10-06")
    page.click("#criteria-panel button")
    expect(page.locator("#criteria")).to_contain_text("As of 2008-10-06")

    # A dose outside the usual range.
    page.click("text=Add medication course")
    page.select_option("#f-drug", "prednisolone")
    page.select_option("#f-route", "oral")
    page.fill("#f-start", "2009-05-01")
    page.fill("#f-amount", "10")
    page.fill("#f-unit", "mg/kg")
    page.select_option("#f-frequency", "daily")
    page.select_option("#f-indication", "sjia")
    page.click("button:text('Save')")
    warning = page.locator("li.dose-check[data-verdict=above_maximum]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("above the maximum")
    warning.evaluate("element => element.scrollIntoView({block: 'center'})")
    shoot(page, "dose-check", keep)

    # A stale edit: two tabs, the second saves first.
    first = context.new_page()
    first.goto(f"{base}/patients/{MAS_PATIENT}/edit")
    first.fill("#f-ethnicity", "typed in the first tab")
    second = context.new_page()
    second.goto(f"{base}/patients/{MAS_PATIENT}/edit")
    second.fill("#f-note", "changed in the second tab")
    second.click("button:text('Save')")
    expect(second.locator(".notice")).to_have_text("Saved.")
    first.click("button:text('Save')")
    expect(first.locator("#conflict")).to_contain_text("someone else changed this record")
    expect(first.locator("#conflict")).to_contain_text("patient note")
    expect(first.locator("#f-ethnicity")).to_have_value("typed in the first tab")
    shoot(first, "conflict", keep)
    first.click("button:text('Save')")  # saving again applies the edit on the current version
    expect(first.locator(".notice")).to_have_text("Saved.")
    expect(first.locator("body")).to_contain_text("typed in the first tab")
    first.close()
    second.close()

    # A diary link, used from a phone.
    page.goto(f"{base}/patients/{MAS_PATIENT}/diary-links")
    page.click("button:text('Create a diary link')")
    link = page.locator("#new-diary-link").inner_text().strip()
    shoot(page, "diary-links", keep)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    family = phone.new_page()
    family.goto(link)
    expect(family.locator("h1")).to_have_text("How was the day?")
    family.fill("#date", "2009-05-03")
    family.check("input[name=fever][value=yes]")
    family.check("input[name=skin_rash][value=yes]")
    family.check("input[name=abdominal_pain][value=no]")
    shoot(family, "diary", keep)
    family.click("button:text('Save this day')")
    expect(family.locator(".notice")).to_contain_text("the day is saved")
    expect(family.locator("table")).to_contain_text("fever, skin rash")
    phone.close()
    page.goto(f"{base}/patients/{MAS_PATIENT}")
    expect(page.locator("body")).to_contain_text("1 day(s) from 2009-05-03")

    # Sign out.
    page.click("button:text('Sign out')")
    expect(page.locator(".notice")).to_have_text("You are signed out.")
    page.goto(f"{base}/patients")
    expect(page.locator("h1")).to_have_text("Sign in")
    context.close()


def test_the_administrator_pages_in_the_browser(
    live_server: str, browser: Browser, database_url: str, screenshots: Path
) -> None:
    keep = screenshots if database_url.startswith("sqlite") else None
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "admin", "demo-admin-pass")
    page.goto(f"{live_server}/admin")
    expect(page.locator("body")).to_contain_text("statistician")
    shoot(page, "admin", keep)
    page.goto(f"{live_server}/audit")
    expect(page.locator("body")).to_contain_text("user admin")
    shoot(page, "audit", keep)
    page.goto(f"{live_server}/cohort")
    expect(page.locator("h1")).to_contain_text("Cohort")
    shoot(page, "cohort", keep)
    page.goto(f"{live_server}/exports")
    shoot(page, "exports", keep)
    context.close()
    statistician = browser.new_context(viewport={"width": 1280, "height": 900})
    view = statistician.new_page()
    sign_in(view, live_server, "statistician", "demo-statistician-pass")
    expect(view.locator("body")).to_contain_text("(pseudonymised)")
    statistician.close()
