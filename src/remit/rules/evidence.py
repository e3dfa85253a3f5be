"""Evidence for the facts of a record, memoised by the fact's identity.

Formatting a fact (the value as entered and canonical, the dates, the
attributes) is the costliest part of building an outcome, and the same facts
are shown by many nodes and many evaluations of the same record. Facts are
immutable, so each is memoised by its identity (:mod:`remit.rules.identity`).
A record seen for the first time formats each of its facts once, so the
formatting itself is kept cheap: dates through ``isoformat()`` (what ``str``
of a date returns, without the detour through ``format``), text appended
piecewise instead of joined from generators.
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
    end = e.end.isoformat() if e.end is not None else "?"
    return Evidence("episode", e.id, e.start, f"{e.kind.value} {e.start.isoformat()}..{end} {', '.join(e.features)}")


@by_identity(_LIMIT)
def finding_evidence(finding: Finding) -> Evidence:
    """A finding as ``HasFinding`` shows it: present or absent, its days, attributes and value."""
    f = finding
    text = f"{f.kind} {'present' if f.present else 'absent'} {f.start.isoformat()}"
    if f.end is not None:
        text += f"..{f.end.isoformat()}"
    for k, v in f.attributes:
        text += f"; {k}={v}"
    if f.value is not None:
        text += f"; {f.value.describe()}"
    return Evidence("finding", f.id, f.start, text)
