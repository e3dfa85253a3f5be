"""Evidence for the facts of a record, memoised by the fact's identity.

Formatting a fact (the value as entered and canonical, the dates, the
attributes) is the costliest part of building an outcome, and the same facts
are shown by many nodes and many evaluations of the same record. Facts are
immutable, so each is memoised by its identity (:mod:`remit.rules.identity`).
"""

from __future__ import annotations

from remit.core.analytes import analyte as analyte_spec
from remit.core.record import Episode, Finding, Observation
from remit.rules.identity import by_identity
from remit.rules.results import Evidence

__all__ = ["episode_evidence", "finding_evidence", "observation_evidence"]

_LIMIT = 200_000


@by_identity(_LIMIT)
def observation_evidence(obs: Observation) -> Evidence:
    m = obs.measurement
    spec = analyte_spec(m.analyte)
    canonical = None if m.interval.is_unbounded else f"{m.interval.describe()} {spec.canonical_unit}"
    return Evidence(
        kind="observation",
        ref=obs.id,
        date=obs.date,
        text=f"{spec.name} {m.describe()} on {obs.date.isoformat()}",
        analyte=m.analyte,
        value=m.text,
        unit=m.unit,
        canonical=canonical,
    )


@by_identity(_LIMIT)
def episode_evidence(episode: Episode) -> Evidence:
    e = episode
    return Evidence("episode", e.id, e.start, f"{e.kind.value} {e.start}..{e.end or '?'} {', '.join(e.features)}")


@by_identity(_LIMIT)
def finding_evidence(finding: Finding) -> Evidence:
    """A finding as ``HasFinding`` shows it: present or absent, its days, attributes and value."""
    f = finding
    return Evidence(
        "finding",
        f.id,
        f.start,
        f"{f.kind} {'present' if f.present else 'absent'} {f.start}"
        + (f"..{f.end}" if f.end else "")
        + "".join(f"; {k}={v}" for k, v in f.attributes)
        + (f"; {f.value.describe()}" if f.value else ""),
    )
