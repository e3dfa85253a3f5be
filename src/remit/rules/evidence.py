"""Evidence for the facts of a record, memoised by the fact's identity.

Formatting a fact (the value as entered and canonical, the dates, the
attributes) is the costliest part of building an outcome, and the same facts
are shown by many nodes and many evaluations of the same record. Facts are
immutable, so the memo keeps the fact with its evidence and checks identity
(an ``id`` can be reused only after the object is gone, which the memo
prevents while the entry exists); it is cleared when it grows large.
"""

from __future__ import annotations

from remit.core.analytes import analyte as analyte_spec
from remit.core.record import Episode, Finding, Observation
from remit.rules.results import Evidence

__all__ = ["episode_evidence", "finding_evidence", "observation_evidence"]

_LIMIT = 200_000
_OBSERVATIONS: dict[int, tuple[Observation, Evidence]] = {}
_EPISODES: dict[int, tuple[Episode, Evidence]] = {}
_FINDINGS: dict[int, tuple[Finding, Evidence]] = {}


def observation_evidence(obs: Observation) -> Evidence:
    entry = _OBSERVATIONS.get(id(obs))
    if entry is not None and entry[0] is obs:
        return entry[1]
    m = obs.measurement
    spec = analyte_spec(m.analyte)
    canonical = None if m.interval.is_unbounded else f"{m.interval.describe()} {spec.canonical_unit}"
    evidence = Evidence(
        kind="observation",
        ref=obs.id,
        date=obs.date,
        text=f"{spec.name} {m.describe()} on {obs.date.isoformat()}",
        analyte=m.analyte,
        value=m.text,
        unit=m.unit,
        canonical=canonical,
    )
    if len(_OBSERVATIONS) > _LIMIT:
        _OBSERVATIONS.clear()
    _OBSERVATIONS[id(obs)] = (obs, evidence)
    return evidence


def episode_evidence(episode: Episode) -> Evidence:
    entry = _EPISODES.get(id(episode))
    if entry is not None and entry[0] is episode:
        return entry[1]
    e = episode
    evidence = Evidence("episode", e.id, e.start, f"{e.kind.value} {e.start}..{e.end or '?'} {', '.join(e.features)}")
    if len(_EPISODES) > _LIMIT:
        _EPISODES.clear()
    _EPISODES[id(episode)] = (episode, evidence)
    return evidence


def finding_evidence(finding: Finding) -> Evidence:
    """A finding as ``HasFinding`` shows it: present or absent, its days, attributes and value."""
    entry = _FINDINGS.get(id(finding))
    if entry is not None and entry[0] is finding:
        return entry[1]
    f = finding
    evidence = Evidence(
        "finding",
        f.id,
        f.start,
        f"{f.kind} {'present' if f.present else 'absent'} {f.start}"
        + (f"..{f.end}" if f.end else "")
        + "".join(f"; {k}={v}" for k, v in f.attributes)
        + (f"; {f.value.describe()}" if f.value else ""),
    )
    if len(_FINDINGS) > _LIMIT:
        _FINDINGS.clear()
    _FINDINGS[id(finding)] = (finding, evidence)
    return evidence
