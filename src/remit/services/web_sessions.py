"""Signing in and out of the web app, throttling guesses, and diary links.

Tokens are random (``secrets.token_urlsafe``) and only their SHA-256 digest is
stored, so a copy of the database signs nobody in. A session carries its own
CSRF token, which every state-changing request must echo.

Throttling: after :data:`MAX_FAILURES_PER_USER` failed sign-ins for one
username within :data:`THROTTLE_WINDOW`, or :data:`MAX_FAILURES_PER_ADDRESS`
from one address, further attempts are refused - right or wrong password - until
the window has passed. Unknown usernames cost the same hashing time as known
ones and get the same message.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from remit.errors import ConflictError, NotFoundError, RemitError
from remit.persistence.accounts import Account, AccountRepository, DiaryLink, RequestAccess
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.services.accounts import verify_password
from remit.services.auditing import now

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
SESSION_LIFETIME = timedelta(hours=12)
DIARY_LINK = "diary_link"
_UNKNOWN_USER_HASH_INPUT = "remit: no such user"


class SignInRefusedError(RemitError, PermissionError):
    """Wrong username or password, or an inactive account (one message for all three)."""

    code = "sign_in_refused"


class TooManyAttemptsError(RemitError, PermissionError):
    """Sign-in is throttled for this username or address."""

    code = "too_many_attempts"


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str  # goes into the cookie; never stored
    csrf_token: str
    account: Account


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    address: str,
    hasher: PasswordHasher,
    lifetime: timedelta = SESSION_LIFETIME,
) -> SignedIn:
    name = username.strip().lower()
    at = now()
    with session.begin():
        repository = AccountRepository(session)
        since = at - THROTTLE_WINDOW
        if (
            repository.failures_since(since, username=name) >= MAX_FAILURES_PER_USER
            or repository.failures_since(since, address=address) >= MAX_FAILURES_PER_ADDRESS
        ):
            raise TooManyAttemptsError(
                f"too many failed sign-ins; wait {int(THROTTLE_WINDOW.total_seconds() // 60)} minutes and try again"
            )
        account = repository.user_by_name(name)
        if account is None:
            hasher.hash(_UNKNOWN_USER_HASH_INPUT)  # the same work as a real check: no timing oracle
            ok = False
        else:
            ok = verify_password(hasher, account.password_hash, password) and account.active
        repository.add_attempt(username=name, address=address, at=at, succeeded=ok)
    if not ok or account is None:
        raise SignInRefusedError("wrong username or password, or the account is inactive", field="password")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with session.begin():
        repository = AccountRepository(session)
        repository.add_session(
            token_hash=token_digest(token), user_id=account.id, csrf_token=csrf, at=at, expires_at=at + lifetime
        )
        if hasher.check_needs_rehash(account.password_hash):
            repository.rehash_password(account.id, hasher.hash(password))
    return SignedIn(token, csrf, account)


def start_session(session: Session, user_id: int, *, lifetime: timedelta = SESSION_LIFETIME) -> SignedIn:
    """A session for a user without a password check (tests, and the demo's printed links)."""
    at = now()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with session.begin():
        repository = AccountRepository(session)
        account = repository.user(user_id)
        repository.add_session(
            token_hash=token_digest(token), user_id=user_id, csrf_token=csrf, at=at, expires_at=at + lifetime
        )
    return SignedIn(token, csrf, account)


def session_access(session: Session, token: str, patient_id: str | None = None) -> RequestAccess | None:
    """The active account signed in with ``token`` and its session, or None (unknown, expired,
    revoked, deactivated); with the site, version and live diary links of ``patient_id`` if
    that is a stored patient. One query (it runs before every request), in autocommit mode: a
    single statement reads one consistent state by itself, and PostgreSQL is then spared the
    BEGIN and COMMIT round trips around it (two of the three of a cached page's reads)."""
    with session.begin():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return AccountRepository(session).request_access(token_digest(token), now(), patient_id)


def sign_out(session: Session, token: str) -> None:
    with session.begin():
        AccountRepository(session).revoke_session(token_digest(token), now())


# ----- diary links -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewDiaryLink:
    token: str  # shown once, in the link handed to the family
    link: DiaryLink


def create_diary_link(session: Session, patient_id: str, *, actor: str) -> NewDiaryLink:
    token = secrets.token_urlsafe(24)
    at = now()
    with session.begin():
        link = AccountRepository(session).add_diary_link(
            token_hash=token_digest(token), patient_id=patient_id, created_by=actor, at=at
        )
        AuditTrail(session).append(
            AuditEntry(at, actor, "create", DIARY_LINK, str(link.id), None, {"patient": patient_id})
        )
    return NewDiaryLink(token, link)


def revoke_diary_link(session: Session, patient_id: str, link_id: int, *, actor: str) -> None:
    at = now()
    with session.begin():
        repository = AccountRepository(session)
        link = repository.diary_link_by_id(link_id)
        if link.patient_id != patient_id:
            raise NotFoundError(f"no diary link {link_id} for patient {patient_id}")
        if not repository.revoke_diary_link(link_id, at):
            # Revoked already (perhaps a moment ago, in another tab): nothing changed, nothing to log.
            raise ConflictError(f"diary link {link_id} was revoked already", field="link")
        AuditTrail(session).append(
            AuditEntry(at, actor, "delete", DIARY_LINK, str(link_id), {"patient": patient_id}, None, "revoked")
        )


def diary_links(session: Session, patient_id: str) -> tuple[DiaryLink, ...]:
    with session.begin():
        return AccountRepository(session).diary_links(patient_id)


def diary_link(session: Session, token: str) -> DiaryLink | None:
    """The live link for ``token`` (None if unknown or revoked)."""
    with session.begin():
        return AccountRepository(session).diary_link(token_digest(token))
