"""Users, roles and sites: the only code that changes them, each change audited.

A user has one role and a set of sites. Patient data of other sites does not
exist for them (the web app answers 404). Roles:

* ``administrator`` - manages sites and users, and reads and edits patients of their sites;
* ``investigator`` - reads and edits patients of their sites, exports, the audit log, diary links;
* ``data_entry`` - reads and edits patients of their sites (no deletion, no export, no audit log);
* ``statistician`` - reads pseudonymised patients of their sites (no birth dates, shifted dates),
  the cohort tables and de-identified exports; changes nothing.

Passwords are stored as argon2id hashes (argon2-cffi); the audit log keeps
who changed which account and how, never a hash.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from remit.errors import RemitError
from remit.persistence.accounts import Account, AccountRepository, Site
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.services.auditing import now

USER = "user"
SITE = "site"
MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_SITE_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


class Role(enum.Enum):
    ADMINISTRATOR = "administrator"
    INVESTIGATOR = "investigator"
    DATA_ENTRY = "data_entry"
    STATISTICIAN = "statistician"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class AccountError(RemitError, ValueError):
    """An account or site cannot be created or changed as asked."""

    code = "account_error"


def role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise AccountError(
            f"unknown role {value!r}; choose one of {', '.join(r.value for r in Role)}", field="role"
        ) from None


def password_hasher(*, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4) -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); tests pass cheaper parameters."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if password.casefold() == username.casefold():
        raise AccountError("the password must not be the username", field="password")


def _check_username(username: str) -> None:
    if not _USERNAME.match(username):
        raise AccountError(
            "a username is 2-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
            field="username",
        )


def _audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: object,
    after: object,
    reason: str | None = None,
) -> None:
    AuditTrail(session).append(
        AuditEntry(now(), actor, action, entity, entity_id, before, after, reason)  # type: ignore[arg-type]
    )


# ----- reading ---------------------------------------------------------------------------


def list_users(session: Session) -> tuple[Account, ...]:
    with session.begin():
        return AccountRepository(session).users()


def get_user(session: Session, user_id: int) -> Account:
    with session.begin():
        return AccountRepository(session).user(user_id)


def find_user(session: Session, username: str) -> Account | None:
    with session.begin():
        return AccountRepository(session).user_by_name(username)


def list_sites(session: Session) -> tuple[Site, ...]:
    with session.begin():
        return AccountRepository(session).sites()


def account_history(session: Session) -> tuple[AuditEntry, ...]:
    """Every audited change of users and sites (and diary links), oldest first."""
    with session.begin():
        trail = AuditTrail(session)
        found = [*trail.entries(USER), *trail.entries(SITE), *trail.entries("diary_link")]
    return tuple(sorted(found, key=lambda e: e.at))


# ----- changing ----------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role_name: str,
    sites: Sequence[str],
    actor: str,
    hasher: PasswordHasher,
) -> Account:
    username = username.strip().lower()
    _check_username(username)
    chosen = role(role_name)
    _check_password(password, username)
    display = display_name.strip() or username
    with session.begin():
        account = AccountRepository(session).add_user(
            username=username,
            display_name=display,
            password_hash=hasher.hash(password),
            role=chosen.value,
            sites=tuple(dict.fromkeys(sites)),
            at=now(),
        )
        _audit(
            session,
            actor=actor,
            action="create",
            entity=USER,
            entity_id=username,
            before=None,
            after=account.snapshot(),
        )
    return account


def update_user(
    session: Session,
    user_id: int,
    *,
    expected_version: int,
    actor: str,
    display_name: str | None = None,
    role_name: str | None = None,
    sites: Sequence[str] | None = None,
    active: bool | None = None,
) -> Account:
    chosen = None if role_name is None else role(role_name).value
    with session.begin():
        repository = AccountRepository(session)
        before = repository.user(user_id)
        if before.username == actor and (active is False or (chosen is not None and chosen != before.role)):
            raise AccountError(
                "you cannot deactivate yourself or change your own role; ask another administrator", field="role"
            )
        at = now()
        after = repository.update_user(
            user_id,
            expected_version=expected_version,
            at=at,
            display_name=None if display_name is None else (display_name.strip() or before.username),
            role=chosen,
            sites=None if sites is None else tuple(dict.fromkeys(sites)),
            active=active,
        )
        if active is False:
            repository.revoke_user_sessions(user_id, at)
        _audit(
            session,
            actor=actor,
            action="update",
            entity=USER,
            entity_id=before.username,
            before=before.snapshot(),
            after=after.snapshot(),
        )
    return after


def set_password(
    session: Session, user_id: int, password: str, *, expected_version: int, actor: str, hasher: PasswordHasher
) -> Account:
    """A new password; the user's other sessions end."""
    with session.begin():
        repository = AccountRepository(session)
        before = repository.user(user_id)
        _check_password(password, before.username)
        at = now()
        after = repository.update_user(
            user_id, expected_version=expected_version, at=at, password_hash=hasher.hash(password)
        )
        repository.revoke_user_sessions(user_id, at)
        _audit(
            session,
            actor=actor,
            action="update",
            entity=USER,
            entity_id=before.username,
            before=before.snapshot(),
            after=after.snapshot(),
            reason="password changed",
        )
    return after


def create_site(session: Session, code: str, name: str | None, *, actor: str) -> Site:
    code = code.strip().lower()
    if not _SITE_CODE.match(code):
        raise AccountError("a site code is 1-63 lower-case letters, digits, '.', '_' or '-'", field="code")
    with session.begin():
        site = AccountRepository(session).add_site(code, (name or "").strip() or None)
        _audit(
            session,
            actor=actor,
            action="create",
            entity=SITE,
            entity_id=code,
            before=None,
            after={"code": site.code, "name": site.name},
        )
    return site


def rename_site(session: Session, code: str, name: str | None, *, actor: str) -> Site:
    with session.begin():
        repository = AccountRepository(session)
        before = repository.site(code)
        if before is None:
            raise AccountError(f"no site {code!r}", field="code")
        after = repository.rename_site(code, (name or "").strip() or None)
        _audit(
            session,
            actor=actor,
            action="update",
            entity=SITE,
            entity_id=code,
            before={"code": code, "name": before.name},
            after={"code": code, "name": after.name},
        )
    return after
