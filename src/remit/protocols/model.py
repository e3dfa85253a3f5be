"""Treatment protocols and follow-up schedules as immutable data.

A :class:`Protocol` is counted in days from a *start event* (day 0: usually the
first dose of a drug). It has

* an :class:`Eligibility` rule: catalogue criteria combined with Kleene logic
  (:class:`CriterionRef`, :class:`AllRequired`, :class:`AnyRequired`), judged
  in an entry window before day 0;
* :class:`Step` s on the day axis: treatment periods with their
  :class:`Action` s, assessments with a visit window and the
  :class:`DataItem` s they must capture, and optional events recognised from
  the record by a :class:`Detector` (interval widening, cessation);
* :class:`Target` s: a truth node of the criteria language or a catalogue
  criterion, judged in a window of days, with the :class:`Escalation` text the
  protocol gives when the target is missed.

Nothing here reads a record or a clock; :mod:`remit.protocols.status` does
the evaluation. Every element says where it comes from (:class:`Basis` and a
quotation or note), so a reader can tell a published rule from a course a
paper reports and from a window remit chose.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeAlias

from remit.core.medications import Route, StopReason
from remit.drugs.classes import DrugClass
from remit.rules import ast


class Basis(enum.Enum):
    """Where a protocol element comes from."""

    STATED = "stated"  # the source states it (read in the source)
    OBSERVED = "observed"  # a course the source reports, used as a target: not a published threshold
    SECONDARY = "secondary"  # seen only in a secondary source
    UNVERIFIED = "unverified"  # not in any source read; a configurable parameter
    CHOSEN = "remit_choice"  # remit's choice where the source is silent (windows, day numbering)

    @property
    def label(self) -> str:
        return _BASIS_LABELS[self]


_BASIS_LABELS = {
    Basis.STATED: "stated in the source",
    Basis.OBSERVED: "the source's reported course, not a published threshold",
    Basis.SECONDARY: "secondary source only",
    Basis.UNVERIFIED: "unverified: a configurable parameter, not found in any source read",
    Basis.CHOSEN: "remit's choice where the source is silent",
}


@dataclass(frozen=True, slots=True)
class Source:
    """The basis of one element and the words it rests on."""

    basis: Basis
    text: str = ""  # a quotation of the source, or the reason for a choice

    def describe(self) -> str:
        return f"{self.basis.label}: {self.text}" if self.text else self.basis.label


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True, slots=True)
class CriterionRef:
    """A catalogue criterion by id (``remit.catalogue.get``)."""

    criterion: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class AllRequired:
    """Kleene AND of the items."""

    label: str
    items: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class AnyRequired:
    """Kleene OR of the items."""

    label: str
    items: tuple[Requirement, ...]


Requirement: TypeAlias = CriterionRef | AllRequired | AnyRequired


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Entry criteria, each judged at every dated fact of the entry window
    ``[day 0 - days_before, day 0]``: a criterion counts as met when it is met
    at some assessment in the window (Kleene OR over the dates), so a MAS
    diagnosed days before the first dose is seen with the labs that made it."""

    rule: Requirement
    days_before: int
    source: Source
    window_source: Source


# ---------------------------------------------------------------- steps


@dataclass(frozen=True, slots=True)
class ExpectedDose:
    """A weight-based daily dose the action names (``2 mg/kg/day``)."""

    mg_per_kg_day: float
    route: Route | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """What a step does, as text, and what to look for in the record to show
    it was done: a course of one of ``drugs`` or of a drug of ``drug_class``
    active on the step's first day, with ``dose`` if given."""

    text: str
    drugs: tuple[str, ...] = ()
    drug_class: DrugClass | None = None
    dose: ExpectedDose | None = None
    source: Source = field(default_factory=lambda: Source(Basis.STATED))


@dataclass(frozen=True, slots=True)
class DataItem:
    """A datum an assessment must capture: a value of ``analyte`` in the visit
    window, or the score of catalogue ``instrument`` as of the visit.
    ``applies_to`` lists condition ids or condition groups (``"said"``);
    empty means every patient."""

    id: str
    label: str
    analyte: str | None = None
    instrument: str | None = None
    applies_to: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IntervalWidening:
    """A dosing step of ``drug`` given less often than the course's first step
    (daily -> every other day): recognised from the dose frequencies."""

    drug: str


@dataclass(frozen=True, slots=True)
class Cessation:
    """The course of ``drug`` stopped for one of ``reasons``."""

    drug: str
    reasons: tuple[StopReason, ...]


Detector: TypeAlias = IntervalWidening | Cessation


class StepKind(enum.Enum):
    TREATMENT = "treatment"  # a period from ``day`` to ``until_day`` with actions
    ASSESSMENT = "assessment"  # a visit due on ``day`` within a window, capturing data
    EVENT = "event"  # an optional event recognised from the record by a detector


@dataclass(frozen=True, slots=True)
class Step:
    """One step on the day axis (day 0 = the start event).

    Assessments are matched to an encounter (not an admission) in
    ``[day - window_before, day + window_after]``, preferring one whose
    ``month`` equals ``month`` (registries label scheduled visits so)."""

    id: str
    label: str
    kind: StepKind
    day: int
    source: Source
    until_day: int | None = None
    window_before: int = 0
    window_after: int = 0
    window_source: Source | None = None
    month: int | None = None
    actions: tuple[Action, ...] = ()
    captures: tuple[DataItem, ...] = ()
    optional: bool = False
    detector: Detector | None = None
    note: str = ""


# ---------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class Holds:
    """A truth node of the criteria language, evaluated as of each assessment
    date in the target window (windows inside the node count back from it)."""

    node: ast.TruthNode


@dataclass(frozen=True, slots=True)
class CriterionHolds:
    """A catalogue criterion, evaluated as of each assessment date."""

    criterion: str


@dataclass(frozen=True, slots=True)
class Normalises:
    """Every analyte of ``analytes`` with a value in the entry window (the
    ``days_before`` day 0, as the eligibility window) has its latest value in
    the target window within the laboratory reference range
    (:class:`remit.rules.ast.WithinReference`). Analytes with no value at
    entry are listed and not judged: "normalising" needs a state to leave."""

    analytes: tuple[str, ...]
    entry_days_before: int
    side: ast.Side = ast.Side.BOTH


Check: TypeAlias = Holds | CriterionHolds | Normalises


@dataclass(frozen=True, slots=True)
class Escalation:
    """What the protocol gives when a target is missed, in its own words."""

    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Target:
    """A target due by ``day``, judged at every assessment date in
    ``[day - window_before, day + window_after]``: met at the first date the
    check is met; missed when it is not met at any date of the closed window;
    indeterminate when the closed window leaves it open."""

    id: str
    label: str
    check: Check
    day: int
    window_before: int
    source: Source
    on_miss: Escalation
    window_after: int = 0
    note: str = ""


# ---------------------------------------------------------------- protocol


@dataclass(frozen=True, slots=True)
class StartEvent:
    """Day 0: the start of the first course of ``drug``."""

    drug: str
    label: str


@dataclass(frozen=True, slots=True)
class Guidance:
    """The protocol's own sentences for the states a patient can be in; the
    status prefixes each with "The protocol says"."""

    not_started: str
    on_track: str
    completed: str


@dataclass(frozen=True, slots=True)
class Protocol:
    id: str
    version: str
    title: str
    kind: str  # "treatment protocol" | "follow-up schedule" | "treat-to-target strategy"
    citation: ast.Citation
    start: StartEvent
    guidance: Guidance
    applies_to: tuple[str, ...] = ()  # condition ids or groups; empty = any patient on the start drug
    eligibility: Eligibility | None = None
    steps: tuple[Step, ...] = ()
    targets: tuple[Target, ...] = ()
    description: str = ""
    caveats: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()  # configurable settings used, for reports

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)


def criterion_ids(requirement: Requirement) -> tuple[str, ...]:
    """Every catalogue id a requirement names, in order."""
    if isinstance(requirement, CriterionRef):
        return (requirement.criterion,)
    return tuple(cid for item in requirement.items for cid in criterion_ids(item))
