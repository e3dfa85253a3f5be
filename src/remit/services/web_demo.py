"""Demo accounts for the demo registry: one user of each role, on two sites.

The passwords are printed by ``remit demo --serve`` and written in
``docs/web.md``: they protect nothing but synthetic demo data.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from remit.services.accounts import Role, create_user, list_sites

SITE_A = "seed-003"  # the two published MAS patients
SITE_B = "demo-cohort-2021"  # the synthetic cohort


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    password: str
    role: Role
    sites: tuple[str, ...]


def demo_users(all_sites: tuple[str, ...]) -> tuple[DemoUser, ...]:
    seeds = tuple(s for s in all_sites if s.startswith("seed-")) or (SITE_A,)
    return (
        DemoUser("admin", "demo-admin-pass", Role.ADMINISTRATOR, all_sites),
        DemoUser("investigator", "demo-investigator-pass", Role.INVESTIGATOR, seeds),
        DemoUser("dataentry", "demo-dataentry-pass", Role.DATA_ENTRY, (SITE_A,)),
        DemoUser("statistician", "demo-statistician-pass", Role.STATISTICIAN, (SITE_B,)),
        DemoUser("cohort-investigator", "demo-cohort-pass", Role.INVESTIGATOR, (SITE_B,)),
    )


def create_demo_users(session: Session, hasher: PasswordHasher, *, actor: str = "demo") -> tuple[DemoUser, ...]:
    """Create the demo users on the sites the demo patients use (audited like any account)."""
    sites = tuple(s.code for s in list_sites(session))
    users = demo_users(sites)
    for user in users:
        create_user(
            session,
            username=user.username,
            display_name=user.username.replace("-", " ").title(),
            password=user.password,
            role_name=user.role.value,
            sites=[s for s in user.sites if s in sites],
            actor=actor,
            hasher=hasher,
        )
    return users
