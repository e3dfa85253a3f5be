"""Accounts for the web app: users, their sites, sign-in sessions, sign-in
attempts and diary links.

Rows stay in this package, like the patient rows of :mod:`.tables`: the
repository below hands out frozen dataclasses. Secrets are never stored in
clear: passwords as argon2id hashes (made by the service), session and diary
tokens as SHA-256 digests of the random token only the browser holds.

The tables share :class:`~remit.persistence.tables.Base`, so migrations, the
schema test and the test databases' clean-up see them with the rest.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Select, String, bindparam, func, literal, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column, relationship
from sqlalchemy.orm.exc import StaleDataError

from remit.errors import ConflictError, NotFoundError
from remit.persistence.audit import utc
from remit.persistence.tables import Base, PatientRow, SiteRow


class UserSiteRow(Base):
    """Which sites a user may see (patients of other sites do not exist for them)."""

    __tablename__ = "user_sites"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True, index=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(unique=True)
    display_name: Mapped[str]
    password_hash: Mapped[str]
    role: Mapped[str]
    active: Mapped[bool] = mapped_column(Boolean())
    version: Mapped[int] = mapped_column()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    sites: Mapped[list[SiteRow]] = relationship(secondary="user_sites", order_by="SiteRow.code", lazy="selectin")

    # Like patients: an UPDATE names the version read, so two saves of one user cannot both win.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class WebSessionRow(Base):
    """A signed-in browser. ``token_hash`` is the SHA-256 of the cookie value."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttemptRow(Base):
    """Every sign-in attempt, for throttling (and for the administrator's eyes)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]
    address: Mapped[str]
    at: Mapped[datetime] = mapped_column(index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean())


class DiaryLinkRow(Base):
    """A link a family uses to enter diary days for one patient, without an account."""

    __tablename__ = "diary_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# ----- what leaves this module ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    sites: tuple[str, ...]
    active: bool
    version: int
    password_hash: str

    def snapshot(self) -> dict[str, object]:
        """What the audit log keeps of an account (never the password hash)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "sites": list(self.sites),
            "active": self.active,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class Site:
    code: str
    name: str | None
    patients: int


@dataclass(frozen=True, slots=True)
class WebSession:
    id: int
    user_id: int
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class PatientPlace:
    """Where a stored, not deleted patient is, as the access guard needs it: its site, its
    current version, and how many diary links it has, and how many of them are live (the
    patient page shows the count)."""

    site: str
    version: int
    diary_links: int
    live_diary_links: int


@dataclass(frozen=True, slots=True)
class RequestAccess:
    """A live session, its active account, and the patient the request names (None when it
    names none or no stored patient has that id)."""

    account: Account
    session: WebSession
    patient: PatientPlace | None


@dataclass(frozen=True, slots=True)
class DiaryLink:
    id: int
    patient_id: str  # the patient's registry id (pseudonym column)
    site: str
    created_by: str
    created_at: datetime
    revoked: bool


@functools.cache
def _request_access_query(*, patient: bool) -> Select[*tuple[Any, ...]]:
    """The statement of :meth:`AccountRepository.request_access`, built once: building it (ORM
    attributes, an alias, three subqueries) cost more than running it on SQLite."""
    user_site = aliased(SiteRow)
    if patient:
        visible = (PatientRow.pseudonym == bindparam("patient_id"), PatientRow.deleted_at.is_(None))
        place: tuple[Any, ...] = (
            select(SiteRow.code)
            .join(PatientRow, PatientRow.site_id == SiteRow.id)
            .where(*visible)
            .correlate(None)
            .scalar_subquery(),
            select(PatientRow.version).where(*visible).correlate(None).scalar_subquery(),
            *(
                select(func.count())
                .select_from(DiaryLinkRow)
                .join(PatientRow, PatientRow.id == DiaryLinkRow.patient_id)
                .where(*visible, *live)
                .correlate(None)
                .scalar_subquery()
                for live in ((), (DiaryLinkRow.revoked_at.is_(None),))
            ),
        )
    else:
        place = (null(), null(), literal(0), literal(0))
    return (
        select(
            WebSessionRow.id,
            WebSessionRow.csrf_token,
            WebSessionRow.expires_at,
            WebSessionRow.revoked_at,
            UserRow.id,
            UserRow.username,
            UserRow.display_name,
            UserRow.role,
            UserRow.active,
            UserRow.version,
            UserRow.password_hash,
            user_site.code,
            *place,
        )
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .outerjoin(UserSiteRow, UserSiteRow.user_id == UserRow.id)
        .outerjoin(user_site, user_site.id == UserSiteRow.site_id)
        .where(WebSessionRow.token_hash == bindparam("token_hash"))
        .order_by(user_site.code)
    )


def _account(row: UserRow) -> Account:
    return Account(
        row.id,
        row.username,
        row.display_name,
        row.role,
        tuple(s.code for s in row.sites),
        row.active,
        row.version,
        row.password_hash,
    )


class AccountRepository:
    """Users, sites, sessions, attempts and diary links within the caller's
    session; like :class:`~remit.persistence.repositories.PatientRepository`, it
    never commits."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # ----- users --------------------------------------------------------------------

    def users(self) -> tuple[Account, ...]:
        return tuple(_account(r) for r in self._session.scalars(select(UserRow).order_by(UserRow.username)))

    def user(self, user_id: int) -> Account:
        return _account(self._user_row(user_id))

    def user_by_name(self, username: str) -> Account | None:
        row = self._session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
        return None if row is None else _account(row)

    def add_user(
        self, *, username: str, display_name: str, password_hash: str, role: str, sites: tuple[str, ...], at: datetime
    ) -> Account:
        if self.user_by_name(username) is not None:
            raise ConflictError(f"the username {username!r} is taken; choose another", field="username")
        row = UserRow(
            username=username,
            display_name=display_name,
            password_hash=password_hash,
            role=role,
            active=True,
            version=1,
            created_at=at,
            updated_at=at,
        )
        row.sites = [self._site_row(code) for code in sites]
        self._session.add(row)
        # Two administrators may pick the same name at the same moment: the unique
        # index decides, and the loser gets the same refusal as the check above.
        self._flush_unique(f"the username {username!r} is taken; choose another", "username")
        return _account(row)

    def update_user(
        self,
        user_id: int,
        *,
        expected_version: int,
        at: datetime,
        display_name: str | None = None,
        role: str | None = None,
        sites: tuple[str, ...] | None = None,
        active: bool | None = None,
        password_hash: str | None = None,
    ) -> Account:
        row = self._user_row(user_id)
        username = row.username
        stale = ConflictError(
            f"user {username} changed since it was read (stored version {row.version}, edit based on "
            f"version {expected_version}); reload the page and apply the edit again",
            field="version",
        )
        if row.version != expected_version:
            raise stale
        # Claim the row first (UPDATE ... WHERE version = N): a save that raced past the
        # check above waits for this one's transaction and is then refused here.
        row.version += 1
        row.updated_at = at
        try:
            self._session.flush()
        except StaleDataError as exc:
            raise ConflictError(
                f"user {username} was changed by someone else while saving; reload the page and apply the edit again",
                field="version",
            ) from exc
        if display_name is not None:
            row.display_name = display_name
        if role is not None:
            row.role = role
        if sites is not None:
            row.sites = [self._site_row(code) for code in sites]
        if active is not None:
            row.active = active
        if password_hash is not None:
            row.password_hash = password_hash
        self._session.flush()
        return _account(row)

    def rehash_password(self, user_id: int, password_hash: str) -> None:
        """A stronger hash of the same password (parameters raised): not an edit, no version bump."""
        self._session.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash))

    def _flush_unique(self, message: str, field: str) -> None:
        try:
            self._session.flush()
        except IntegrityError as exc:
            raise ConflictError(message, field=field) from exc

    def _user_row(self, user_id: int) -> UserRow:
        row = self._session.get(UserRow, user_id)
        if row is None:
            raise NotFoundError(f"no user {user_id}")
        return row

    # ----- sites --------------------------------------------------------------------

    def sites(self) -> tuple[Site, ...]:
        counted = dict(
            self._session.execute(
                select(PatientRow.site_id, func.count())
                .where(PatientRow.deleted_at.is_(None))
                .group_by(PatientRow.site_id)
            ).all()
        )
        return tuple(
            Site(r.code, r.name, counted.get(r.id, 0))
            for r in self._session.scalars(select(SiteRow).order_by(SiteRow.code))
        )

    def site(self, code: str) -> Site | None:
        return next((s for s in self.sites() if s.code == code), None)

    def add_site(self, code: str, name: str | None) -> Site:
        if self._session.scalars(select(SiteRow).where(SiteRow.code == code)).one_or_none() is not None:
            raise ConflictError(f"site {code!r} exists already", field="code")
        self._session.add(SiteRow(code=code, name=name))
        self._flush_unique(f"site {code!r} exists already", "code")
        return Site(code, name, 0)

    def rename_site(self, code: str, name: str | None) -> Site:
        row = self._session.scalars(select(SiteRow).where(SiteRow.code == code)).one_or_none()
        if row is None:
            raise NotFoundError(f"no site {code!r}")
        row.name = name
        self._session.flush()
        found = self.site(code)
        assert found is not None
        return found

    def _site_row(self, code: str) -> SiteRow:
        row = self._session.scalars(select(SiteRow).where(SiteRow.code == code)).one_or_none()
        if row is None:
            raise NotFoundError(f"no site {code!r}; create it first", field="sites")
        return row

    def patient_site(self, patient_id: str) -> str | None:
        """The site of a visible (not deleted) patient, None if there is no such patient."""
        return self._session.scalars(
            select(SiteRow.code)
            .join(PatientRow, PatientRow.site_id == SiteRow.id)
            .where(PatientRow.pseudonym == patient_id, PatientRow.deleted_at.is_(None))
        ).one_or_none()

    # ----- sessions -----------------------------------------------------------------

    def add_session(
        self, *, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None:
        self._session.add(
            WebSessionRow(
                token_hash=token_hash, user_id=user_id, csrf_token=csrf_token, created_at=at, expires_at=expires_at
            )
        )
        self._session.flush()

    def live_session(self, token_hash: str, at: datetime) -> WebSession | None:
        row = self._session.scalars(select(WebSessionRow).where(WebSessionRow.token_hash == token_hash)).one_or_none()
        if row is None or row.revoked_at is not None or utc(row.expires_at) <= at:
            return None
        return WebSession(row.id, row.user_id, row.csrf_token, utc(row.expires_at))

    def request_access(self, token_hash: str, at: datetime, patient_id: str | None = None) -> RequestAccess | None:
        """The live session with ``token_hash``, its account (None when the session is unknown,
        expired or revoked, or the account inactive), and the place of patient ``patient_id``.

        One query (one round trip): the session joined to its user and the user's sites, with
        the patient's site, version and diary links (all, live) as scalar subqueries. It replaces four
        (session, user, the user's sites, the patient's site) and the record cache's version
        read, which were most of the time of a cached page view (docs/reliability.md, "Load")."""
        parameters = (
            {"token_hash": token_hash} if patient_id is None else {"token_hash": token_hash, "patient_id": patient_id}
        )
        # On the session's connection, not through the session: the statement selects columns only,
        # and the ORM's result handling around it was most of the query's cost in Python.
        query = _request_access_query(patient=patient_id is not None)
        rows = self._session.connection().execute(query, parameters).all()
        if not rows:
            return None
        first = rows[0]
        session_id, csrf, expires_at, revoked_at, user_id, username, display, role, active, version, hashed = first[:11]
        if revoked_at is not None or utc(expires_at) <= at or not active:
            return None
        sites = tuple(r[11] for r in rows if r[11] is not None)
        account = Account(user_id, username, display, role, sites, bool(active), version, hashed)
        patient_site, patient_version, links, live_links = first[12:]
        patient = (
            None
            if patient_site is None
            else PatientPlace(patient_site, int(patient_version), int(links), int(live_links))
        )
        return RequestAccess(account, WebSession(session_id, user_id, csrf, utc(expires_at)), patient)

    def revoke_session(self, token_hash: str, at: datetime) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_hash, WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_user_sessions(self, user_id: int, at: datetime) -> None:
        self._session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.user_id == user_id, WebSessionRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # ----- sign-in attempts ---------------------------------------------------------

    def add_attempt(self, *, username: str, address: str, at: datetime, succeeded: bool) -> None:
        self._session.add(LoginAttemptRow(username=username, address=address, at=at, succeeded=succeeded))
        self._session.flush()

    def failures_since(self, since: datetime, *, username: str | None = None, address: str | None = None) -> int:
        stmt = (
            select(func.count())
            .select_from(LoginAttemptRow)
            .where(LoginAttemptRow.at >= since, LoginAttemptRow.succeeded.is_(False))
        )
        if username is not None:
            stmt = stmt.where(LoginAttemptRow.username == username)
            last_success = self._session.scalar(
                select(func.max(LoginAttemptRow.at)).where(
                    LoginAttemptRow.username == username, LoginAttemptRow.succeeded.is_(True)
                )
            )
            if last_success is not None:  # a successful sign-in starts the count afresh
                stmt = stmt.where(LoginAttemptRow.at > last_success)
        if address is not None:
            stmt = stmt.where(LoginAttemptRow.address == address)
        return int(self._session.scalar(stmt) or 0)

    # ----- diary links --------------------------------------------------------------

    def add_diary_link(self, *, token_hash: str, patient_id: str, created_by: str, at: datetime) -> DiaryLink:
        patient = self._session.scalars(
            select(PatientRow).where(PatientRow.pseudonym == patient_id, PatientRow.deleted_at.is_(None))
        ).one_or_none()
        if patient is None:
            raise NotFoundError(f"no patient {patient_id!r}")
        row = DiaryLinkRow(token_hash=token_hash, patient_id=patient.id, created_by=created_by, created_at=at)
        self._session.add(row)
        self._session.flush()
        return DiaryLink(row.id, patient_id, patient.site.code, created_by, at, revoked=False)

    def diary_links(self, patient_id: str) -> tuple[DiaryLink, ...]:
        rows = self._session.execute(
            select(DiaryLinkRow, PatientRow)
            .join(PatientRow, PatientRow.id == DiaryLinkRow.patient_id)
            .where(PatientRow.pseudonym == patient_id)
            .order_by(DiaryLinkRow.id)
        ).all()
        return tuple(self._link(link, patient) for link, patient in rows)

    def diary_link(self, token_hash: str) -> DiaryLink | None:
        """The live link with this token (None if unknown, revoked or its patient deleted)."""
        found = self._session.execute(
            select(DiaryLinkRow, PatientRow)
            .join(PatientRow, PatientRow.id == DiaryLinkRow.patient_id)
            .where(DiaryLinkRow.token_hash == token_hash, PatientRow.deleted_at.is_(None))
        ).one_or_none()
        if found is None or found[0].revoked_at is not None:
            return None
        return self._link(found[0], found[1])

    def diary_link_by_id(self, link_id: int) -> DiaryLink:
        found = self._session.execute(
            select(DiaryLinkRow, PatientRow)
            .join(PatientRow, PatientRow.id == DiaryLinkRow.patient_id)
            .where(DiaryLinkRow.id == link_id)
        ).one_or_none()
        if found is None:
            raise NotFoundError(f"no diary link {link_id}")
        return self._link(found[0], found[1])

    def revoke_diary_link(self, link_id: int, at: datetime) -> bool:
        """Revoke a live link; False if it was revoked already (then nothing changes)."""
        done = self._session.execute(
            update(DiaryLinkRow)
            .where(DiaryLinkRow.id == link_id, DiaryLinkRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return bool(getattr(done, "rowcount", 0) == 1)

    @staticmethod
    def _link(row: DiaryLinkRow, patient: PatientRow) -> DiaryLink:
        return DiaryLink(
            row.id,
            patient.pseudonym,
            patient.site.code,
            row.created_by,
            utc(row.created_at),
            row.revoked_at is not None,
        )
