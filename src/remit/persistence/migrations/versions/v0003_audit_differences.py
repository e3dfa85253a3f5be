"""Audit rows that hold only what an edit changed: ``audit_log.form``.

Until now every row's ``before`` and ``after`` were whole records. A row now says
which it holds: ``state`` (whole records, as every existing row does, and as a
creation, deletion or account change still does) or ``difference`` (the parts of a
patient record an edit changed; :mod:`remit.casefiles.differences`). Existing rows
become ``state``: nothing in them changes, so the append-only triggers are not touched.

Revision ID: 0003_audit_differences
Revises: 0002_web_accounts
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_audit_differences"
down_revision = "0002_web_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("form", sa.String(), nullable=False, server_default="state"))


def downgrade() -> None:
    # A difference row cannot be read without the rows before it, so a downgrade that kept them
    # would leave a history the old code misreads: refuse rather than lose the meaning silently.
    bind = op.get_bind()
    differences = bind.execute(sa.text("SELECT count(*) FROM audit_log WHERE form = 'difference'")).scalar_one()
    if differences:
        raise RuntimeError(
            f"audit_log holds {differences} difference rows, which revision 0002 cannot read; "
            "export the history (remit history) before downgrading"
        )
    # Not a batch operation: on SQLite that copies the table and the append-only triggers would go
    # with the old one. SQLite has had ALTER TABLE ... DROP COLUMN since 3.35.
    op.drop_column("audit_log", "form")
