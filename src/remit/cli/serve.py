"""``remit serve``: the web app on a database (``docs/web.md``).

Also the last step of ``remit demo --serve``: demo users are added to the
fresh demo database and the logins printed before the server starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from remit.cli.context import console, settings
from remit.config import Settings, database_url
from remit.services.accounts import password_hasher
from remit.services.web_database import WebDatabase
from remit.services.web_demo import create_demo_users

if TYPE_CHECKING:
    from fastapi import FastAPI

HEALTH_CHECK_SECONDS = 60

Host = Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]
Workers = Annotated[
    int,
    typer.Option(
        min=1,
        help="Server processes (uvicorn workers) sharing the port; about one per CPU core. Each keeps its own "
        "caches, which check the stored version on every read, so none serves a record another has changed.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(ctx: typer.Context, host: Host = "127.0.0.1", port: Port = 8000, workers: Workers = 1) -> None:
    """Serve the registry in a browser, and its JSON API under /api/v1.

    Set REMIT_SECRET_KEY (32+ characters) to keep sessions across restarts, REMIT_DEID_KEY for stable
    pseudonyms, and REMIT_SECURE_COOKIES=1 behind HTTPS. Create users with the admin pages, or start
    from `remit demo --serve`.
    """
    run(settings(ctx), host, port, workers)


def run(config: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    from remit.web import WebSettings, create_app
    from remit.web.connections import NoDelayHTTPProtocol
    from remit.web.settings import SECRET_VARIABLE

    if workers == 1:
        app = create_app(config, WebSettings.from_env(warm_cache=True))
    else:
        # The worker processes build their app from the environment (app_from_env). They must
        # share one secret key: it derives the diary-link form tokens and the pseudonyms.
        os.environ["REMIT_DATABASE_URL"] = config.database_url
        os.environ["REMIT_ACTOR"] = config.actor
        os.environ.setdefault(SECRET_VARIABLE, secrets.token_hex(32))
        WebSettings.from_env()  # a bad key or setting is reported here, once, not by every worker
    console().print(
        f"remit is serving {config.database_url} at http://{host}:{port}/ "
        f"({workers} process{'es' if workers > 1 else ''}; Ctrl+C stops it)",
        soft_wrap=True,
        markup=False,
    )
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", http=NoDelayHTTPProtocol)
    else:
        target = f"{__name__}:app_from_env"
        # uvicorn kills a worker that does not answer its health check in time (5 s by default) and
        # starts another: on a busy machine a worker still importing the app misses that, and the
        # server never comes up (seen on the shared 2-core test machine). A minute is generous.
        uvicorn.run(
            target,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            timeout_worker_healthcheck=HEALTH_CHECK_SECONDS,
            http=NoDelayHTTPProtocol,  # with --workers, uvicorn's own socket leaves Nagle on (remit.web.connections)
        )


def app_from_env() -> FastAPI:
    """The app of one worker process of ``remit serve --workers N`` (settings from the environment)."""
    from remit.web import WebSettings, create_app

    return create_app(Settings.from_env(), WebSettings.from_env(warm_cache=True))


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
