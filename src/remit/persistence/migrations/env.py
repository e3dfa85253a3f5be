"""Alembic environment: run the revisions on the connection handed over by
:func:`remit.persistence.schema.migrate` (or on ``sqlalchemy.url`` when Alembic's
own command line is used).

SQLite cannot ALTER most things in place, so revisions run in batch mode there.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from remit.persistence.engine import create_engine
from remit.persistence.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


def _run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
