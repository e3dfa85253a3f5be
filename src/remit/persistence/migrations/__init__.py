"""Alembic scripts for the remit schema; run them with :func:`remit.persistence.schema.migrate`."""
