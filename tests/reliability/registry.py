"""A registry with a row in every table, and every table read back row by row.

The backup and crash tests compare whole databases; they are only as strong as
the data in them, so :func:`fill_registry` goes through the services (the way
the app writes) until every table of the schema holds at least one row, and
:func:`table_contents` reads every table the database has - not just the ones
this code knows - so a table added later cannot be left out of a comparison.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, MetaData, select

from remit.config import Settings
from remit.services import delete_patient, export_record, import_records, replace_record
from remit.services.accounts import create_site, create_user, password_hasher, rename_site, update_user
from remit.services.web_database import WebDatabase
from remit.services.web_sessions import create_diary_link, revoke_diary_link, sign_in, start_session
from tests.sample_records import full_record

HASHER: PasswordHasher = password_hasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct horse battery"


def fill_registry(url: str) -> None:
    """Sites, users, patients (created, replaced, deleted, exported), diary links, sign-ins."""
    db = WebDatabase(Settings(database_url=url, actor="filler"))
    try:
        with db.session() as session:
            for code in ("site-a", "site-b"):
                create_site(session, code, f"Site {code[-1].upper()}", actor="filler")
            rename_site(session, "site-b", "Second site", actor="filler")
            records = [full_record("p1"), full_record("p2", site="site-b"), full_record("p3")]
            assert all(r.ok for r in import_records(session, records, "filler"))
            replace_record(session, dataclasses.replace(records[0], diary=()), expected_version=1, actor="filler")
            delete_patient(session, "p3", actor="filler", expected_version=1, reason="entered twice")
            export_record(session, "p2", actor="filler")
            user = create_user(
                session,
                username="investigator",
                display_name="Investigator",
                password=PASSWORD,
                role_name="investigator",
                sites=["site-a", "site-b"],
                actor="filler",
                hasher=HASHER,
            )
            update_user(session, user.id, expected_version=1, actor="filler", display_name="Dr Investigator")
            start_session(session, user.id)
            sign_in(session, "investigator", PASSWORD, address="127.0.0.1", hasher=HASHER)
            link = create_diary_link(session, "p1", actor="investigator")
            create_diary_link(session, "p2", actor="investigator")
            revoke_diary_link(session, "p1", link.link.id, actor="investigator")
    finally:
        db.dispose()


Rows = list[tuple[Any, ...]]


def table_contents(engine: Engine) -> dict[str, Rows]:
    """Every row of every table in the database, ordered by primary key (by all columns without one)."""
    metadata = MetaData()
    with engine.connect() as connection:
        metadata.reflect(connection)
        found: dict[str, Rows] = {}
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
    return found
