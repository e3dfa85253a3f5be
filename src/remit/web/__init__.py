"""The web app: ``create_app(settings)`` (see ``docs/web.md``)."""

from remit.web.app import create_app
from remit.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
