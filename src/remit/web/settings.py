"""Settings of the web app, beside the registry's :class:`~remit.config.Settings`.

Built once by the entry point (``remit serve``, a test) and passed to
:func:`remit.web.create_app`; nothing is read from the environment at import.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from remit.interop.deidentify import KEY_VARIABLE, MIN_KEY_LENGTH, DeidentificationKeys

SECRET_VARIABLE = "REMIT_SECRET_KEY"  # noqa: S105 - the name of an environment variable, not a secret


@dataclass(frozen=True, slots=True)
class WebSettings:
    """``secret_key`` signs nothing stored; it derives the per-link diary form tokens and, without
    ``REMIT_DEID_KEY``, the statistician's pseudonyms and date shifts (so those change when it does).
    ``secure_cookies`` must be on behind HTTPS. The argon2 parameters default to argon2-cffi's
    (argon2id, t=3, m=64 MiB, p=4); tests lower them."""

    secret_key: str
    deid_secret: str | None = None
    secure_cookies: bool = False
    session_lifetime: timedelta = timedelta(hours=12)
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    warm_cache: bool = False
    cohort_figures: bool = True

    def __post_init__(self) -> None:
        if len(self.secret_key) < MIN_KEY_LENGTH:
            raise ValueError(f"{SECRET_VARIABLE} must be at least {MIN_KEY_LENGTH} characters")

    def __repr__(self) -> str:
        return f"WebSettings(secure_cookies={self.secure_cookies}, <secrets hidden>)"

    @property
    def deidentification_keys(self) -> DeidentificationKeys:
        return DeidentificationKeys.from_secret(self.deid_secret or self.secret_key)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> WebSettings:
        """``REMIT_SECRET_KEY`` (a random one per start if unset: sessions and diary form tokens then
        end with the process), ``REMIT_DEID_KEY``, ``REMIT_SECURE_COOKIES=1``."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "secret_key": env.get(SECRET_VARIABLE) or secrets.token_hex(32),
            "deid_secret": env.get(KEY_VARIABLE) or None,
            "secure_cookies": env.get("REMIT_SECURE_COOKIES", "").strip().lower() in ("1", "true", "yes"),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
