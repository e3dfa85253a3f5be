"""Storage: tables, repositories, migrations, on SQLite and PostgreSQL."""
