"""``remit serve``: the web app on a database (``docs/web.md``).

Also the last step of ``remit demo --serve``: demo users are added to the
fresh demo database and the logins printed before the server starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remit.cli.context import console, settings
from remit.config import Settings, database_url
from remit.services.accounts import password_hasher
from remit.services.web_database import WebDatabase
from remit.services.web_demo import create_demo_users

Host = Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(ctx: typer.Context, host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Serve the registry in a browser, and its JSON API under /api/v1.

    Set REMIT_SECRET_KEY (32+ characters) to keep sessions across restarts, REMIT_DEID_KEY for stable
    pseudonyms, and REMIT_SECURE_COOKIES=1 behind HTTPS. Create users with the admin pages, or start
    from `remit demo --serve`.
    """
    run(settings(ctx), host, port)


def run(config: Settings, host: str, port: int) -> None:
    import uvicorn

    from remit.web import WebSettings, create_app

    app = create_app(config, WebSettings.from_env(warm_cache=True))
    console().print(
        f"remit is serving {config.database_url} at http://{host}:{port}/ (Ctrl+C stops it)",
        soft_wrap=True,
        markup=False,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve_demo(path: Path, host: str, port: int) -> None:
    """Add the demo users to the demo database at ``path``, print the logins and serve it."""
    config = Settings(database_url=database_url(str(path)), actor="demo")
    database = WebDatabase(config)
    try:
        with database.session() as session:
            users = create_demo_users(session, password_hasher())
    finally:
        database.dispose()
    out = console()
    out.print("demo logins (synthetic data only):", soft_wrap=True, markup=False)
    for user in users:
        out.print(
            f"  {user.username:<20} {user.password:<24} {user.role.label} ({', '.join(user.sites)})",
            soft_wrap=True,
            markup=False,
        )
    out.print(f"open http://{host}:{port}/ and sign in; try patient seed-003-p1 (MAS)", soft_wrap=True, markup=False)
    run(config, host, port)
