"""The closed operator set of the criteria language.

Every node is a frozen dataclass with a stable ``id`` (unique within its
definition; the full id is ``<definition id>.<node id>``). The id is the key of
the explanation, the column name in vectorised screening output and the anchor
in the generated docs. Nodes never hold live objects (records, sessions,
registries), so definitions can be hashed, serialised and compiled.

Two families:

* **value nodes** yield an :class:`~remit.core.intervals.Interval` in a stated
  unit, or nothing (unknown): :class:`Measure`, :class:`Age`, :class:`Const`,
  :class:`Indicator`, :class:`Arith`, :class:`Change`, :class:`CountEpisodes`,
  :class:`DiarySum`, :class:`RunLength`, :class:`Points`, :class:`Bounded`;
* **truth nodes** yield a :class:`~remit.core.truth.Truth`:
  :class:`Compare`, :class:`HasFinding`, :class:`HasCondition`,
  :class:`HasResult`, :class:`HasGenotype`, :class:`IsSex`,
  :class:`OnMedication`, :class:`AllOf`, :class:`AnyOf`, :class:`Not`,
  :class:`AtLeast`, :class:`Sustained`, :class:`WithinReference`,
  :class:`HasValue`.

Every operator can be compiled to SQL: UNKNOWN is NULL, intervals are two
nullable columns, counts are sums of CASE expressions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeAlias

from remit.core.intervals import Op
from remit.core.record import EpisodeKind, GenotypeClass, Sex


class Anchor(enum.Enum):
    """The date a window is counted from."""

    INDEX = "index"
    BASELINE = "baseline"


@dataclass(frozen=True, slots=True)
class Window:
    """``[anchor - days_before, anchor + days_after]`` in whole days, inclusive.
    ``days_before=None`` reaches back to the start of the record."""

    days_before: int | None = 0
    days_after: int = 0
    anchor: Anchor = Anchor.INDEX

    def describe(self) -> str:
        where = "the index date" if self.anchor is Anchor.INDEX else "baseline"
        if self.days_before is None:
            span = f"at any time up to {where}"
        elif self.days_before == 0 and self.days_after == 0:
            span = f"on {where}"
        else:
            span = f"within {self.days_before} days before {where}"
        if self.days_after:
            span += f" (or up to {self.days_after} days after)"
        return span


class Reduce(enum.Enum):
    """How several values in a window become one."""

    LATEST = "latest"
    FIRST = "first"
    MAX = "max"
    MIN = "min"


class Absent(enum.Enum):
    """What a missing record means. ``UNKNOWN`` (the default) never turns
    missing data into NOT_MET; ``FALSE_IF_COVERED`` treats absence as evidence
    of absence only when the record's data coverage spans the whole window."""

    UNKNOWN = "unknown"
    FALSE_IF_COVERED = "false_if_covered"


@dataclass(frozen=True, slots=True)
class AttributeTest:
    """A filter on an attribute of a finding or episode."""

    name: str
    op: str  # "==", ">", ">=", "<", "<=", "in"
    value: str | float | int | bool | tuple[str, ...]


# ---------------------------------------------------------------- value nodes


@dataclass(frozen=True, slots=True)
class Measure:
    """The value of an analyte in a window, reduced (latest, max, ...)."""

    id: str
    label: str
    analyte: str
    window: Window = field(default_factory=Window)
    reduce: Reduce = Reduce.LATEST


@dataclass(frozen=True, slots=True)
class Age:
    """Age in years at the index date, or at the onset of ``condition``."""

    id: str
    label: str
    condition: str | None = None


@dataclass(frozen=True, slots=True)
class Const:
    id: str
    label: str
    value: float
    unit: str = "1"


@dataclass(frozen=True, slots=True)
class Indicator:
    """1 when ``condition`` is met, 0 when not, [0, 1] when unknown."""

    id: str
    label: str
    condition: TruthNode


@dataclass(frozen=True, slots=True)
class Arith:
    """Interval arithmetic over the arguments: ``+`` and ``*`` are n-ary,
    ``-`` and ``/`` binary; ``min``/``max`` clip (JADAS caps)."""

    id: str
    label: str
    op: str  # "+", "-", "*", "/", "min", "max"
    args: tuple[ValueNode, ...]
    unit: str = "1"


@dataclass(frozen=True, slots=True)
class Change:
    """Percent change of ``current`` from ``reference`` (usually a baseline
    window). A zero reference that stays zero is 0 %; zero that rises is +inf %
    (worsening), as criteria.md §11 recommends."""

    id: str
    label: str
    current: ValueNode
    reference: ValueNode


@dataclass(frozen=True, slots=True)
class CountEpisodes:
    """Number of episodes of ``kind`` in the window that match the filters.

    The count is exact when the record's coverage spans the window, otherwise
    it is a lower bound ``[n, +inf)``. A window reaching back to the start of
    the record (``days_before=None``) is spanned when the coverage starts on or
    before the patient's (earliest possible) date of birth: a complete history.

    Filters (all must hold): at least ``features_min`` of ``features_any``
    among the episode's features (``features_min`` defaults to 1: any of
    them); none of ``features_none``; duration within ``min_hours`` ..
    ``max_hours`` (inclusive); every attribute test. With
    ``recurrence_gap_days`` only recurrences are counted: a matching episode
    counts when an earlier matching episode is on record and it starts at
    least that many days after the end of every earlier episode of ``kind``
    (matching or not: any episode of the kind ends a symptom-free interval; an
    earlier episode with neither end date nor duration leaves it unknown).
    SQL: feature counts are ``COUNT(DISTINCT feature)`` per episode; the
    recurrence test is a self-join on earlier episodes with ``MIN`` of the gap."""

    id: str
    label: str
    kind: EpisodeKind
    window: Window
    features_any: tuple[str, ...] = ()
    min_hours: float | None = None
    max_hours: float | None = None
    attributes: tuple[AttributeTest, ...] = ()
    features_min: int = 1
    features_none: tuple[str, ...] = ()
    recurrence_gap_days: int | None = None


@dataclass(frozen=True, slots=True)
class DiarySum:
    """Sum of "yes" item-days of the daily diary over the window (AIDAI).
    Unanswered items and missing days widen the upper bound; nothing is
    prorated."""

    id: str
    label: str
    items: tuple[str, ...]
    window: Window


@dataclass(frozen=True, slots=True)
class RunLength:
    """Length in days of the longest uninterrupted run of a present finding
    within the window (arthritis "persisting >= 6 weeks"): from the start of
    the first present record to the last day of the last one, broken by any
    record of the finding as absent. Unknown when nothing is recorded."""

    id: str
    label: str
    kind: str
    window: Window = field(default_factory=lambda: Window(days_before=None))


@dataclass(frozen=True, slots=True)
class Option:
    points: float
    when: TruthNode


@dataclass(frozen=True, slots=True)
class Domain:
    """One item of a points score: the highest option that is met counts."""

    id: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class Points:
    """A points score reported as bounds ``[lower, upper]``: lower counts only
    met options, upper also the unknown ones."""

    id: str
    label: str
    domains: tuple[Domain, ...]


@dataclass(frozen=True, slots=True)
class Bounded:
    """``value`` when it is known; otherwise the interval ``[low, high]`` (the
    range of its scale), so that a total with an unrecorded item reports
    bounds instead of nothing (JADAS with no physician global: [n, n + 10]).
    SQL: ``COALESCE(value_low, low)``, ``COALESCE(value_high, high)``."""

    id: str
    label: str
    value: ValueNode
    low: float
    high: float
    unit: str = "1"


ValueNode: TypeAlias = (
    Measure | Age | Const | Indicator | Arith | Change | CountEpisodes | DiarySum | RunLength | Points | Bounded
)

# ---------------------------------------------------------------- truth nodes


@dataclass(frozen=True, slots=True)
class Compare:
    """``value <op> threshold``; the threshold is stored in the value's
    canonical unit, and as published (``published``) for display.

    ``boundary_conflict`` marks a threshold whose inequality differs between
    sources (``<262`` vs ``≤262``): a value exactly on it is UNKNOWN with a note.
    """

    id: str
    label: str
    value: ValueNode
    op: Op
    threshold: float
    unit: str
    published: str = ""
    boundary_conflict: bool = False


@dataclass(frozen=True, slots=True)
class HasFinding:
    id: str
    label: str
    kind: str
    window: Window = field(default_factory=Window)
    attributes: tuple[AttributeTest, ...] = ()
    absent: Absent = Absent.UNKNOWN


@dataclass(frozen=True, slots=True)
class HasCondition:
    """A diagnosis of ``condition`` (active or suspected) is recorded."""

    id: str
    label: str
    condition: str
    absent: Absent = Absent.UNKNOWN


@dataclass(frozen=True, slots=True)
class HasResult:
    """Qualitative results (RF positive ...): at least ``min_count`` results in
    ``categories`` spanning at least ``min_span_days``. NOT_MET only when the
    test was done at least ``min_count`` times without qualifying."""

    id: str
    label: str
    analyte: str
    categories: tuple[str, ...]
    window: Window = field(default_factory=lambda: Window(days_before=None))
    min_count: int = 1
    min_span_days: int = 0


@dataclass(frozen=True, slots=True)
class HasGenotype:
    """A recorded genotype of ``gene`` in one of ``classes``; NOT_MET when the
    gene was tested and no result is in those classes, UNKNOWN if untested.

    Genotypes carry no date, so the whole record is the window:
    ``absent=FALSE_IF_COVERED`` makes an untested gene NOT_MET, for a
    sufficient branch that counts only when a result is on record (the
    definition must say why). In SQL: ``COALESCE(<match>, FALSE)`` over the
    patient's genotype rows."""

    id: str
    label: str
    gene: str
    classes: tuple[GenotypeClass, ...]
    absent: Absent = Absent.UNKNOWN


@dataclass(frozen=True, slots=True)
class IsSex:
    id: str
    label: str
    sex: Sex


@dataclass(frozen=True, slots=True)
class OnMedication:
    """Any course of ``drugs`` active in the window. Medication lists are
    complete within the data coverage, so absence is NOT_MET when covered."""

    id: str
    label: str
    drugs: tuple[str, ...]
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class AllOf:
    id: str
    label: str
    items: tuple[TruthNode, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    id: str
    label: str
    items: tuple[TruthNode, ...]


@dataclass(frozen=True, slots=True)
class Not:
    id: str
    label: str
    item: TruthNode


@dataclass(frozen=True, slots=True)
class AtLeast:
    id: str
    label: str
    k: int
    items: tuple[TruthNode, ...]


@dataclass(frozen=True, slots=True)
class Sustained:
    """``condition`` held continuously for ``days`` before the index date,
    judged at every encounter: it must be met at the last encounter on or
    before ``index - days`` and at every encounter after it. Any encounter
    where it is not met resets the clock (NOT_MET). The interpreter judges the
    encounters newest first and stops at the first that fails: the explanation
    shows that visit and the ones after it, which are all that decide."""

    id: str
    label: str
    condition: TruthNode
    days: int


class Side(enum.Enum):
    """Which limits of a reference range :class:`WithinReference` judges."""

    BOTH = "both"
    UPPER = "upper"  # not above the upper limit ("normal" for an acute-phase reactant)
    LOWER = "lower"  # not below the lower limit


@dataclass(frozen=True, slots=True)
class WithinReference:
    """The latest value of ``analyte`` in the window lies within the reference
    range the reporting laboratory gave with it (``Measurement.reference``).

    TRUE when the value's interval lies inside the judged limits (limits
    inclusive; a missing limit on a judged side is no limit there), FALSE when
    it lies wholly outside one of them, UNKNOWN when it straddles a limit,
    when no judged limit is stored, or when nothing is recorded. A qualitative
    result is the laboratory's own judgement: "normal" is TRUE, "high" ("low")
    is FALSE when the upper (lower) side is judged and TRUE otherwise.
    SQL: a CASE over the qualitative column, then the canonical interval
    columns against the stored reference low/high columns."""

    id: str
    label: str
    analyte: str
    window: Window = field(default_factory=Window)
    side: Side = Side.BOTH


@dataclass(frozen=True, slots=True)
class HasValue:
    """At least one value of ``analyte`` is recorded in the window (the test
    was done). NOT_MET when none is recorded and the record covers the window
    (as :class:`OnMedication`), UNKNOWN otherwise. Used for rules such as
    "if both are tested, both must be normal". SQL: ``EXISTS``, else the
    coverage test."""

    id: str
    label: str
    analyte: str
    window: Window = field(default_factory=Window)


TruthNode: TypeAlias = (
    Compare
    | HasFinding
    | HasCondition
    | HasResult
    | HasGenotype
    | IsSex
    | OnMedication
    | AllOf
    | AnyOf
    | Not
    | AtLeast
    | Sustained
    | WithinReference
    | HasValue
)
Node: TypeAlias = ValueNode | TruthNode

VALUE_NODES = (Measure, Age, Const, Indicator, Arith, Change, CountEpisodes, DiarySum, RunLength, Points, Bounded)
TRUTH_NODES = (
    Compare,
    HasFinding,
    HasCondition,
    HasResult,
    HasGenotype,
    IsSex,
    OnMedication,
    AllOf,
    AnyOf,
    Not,
    AtLeast,
    Sustained,
    WithinReference,
    HasValue,
)

# ---------------------------------------------------------------- definitions


class Verification(enum.Enum):
    """As tagged in ``../shared/reference/criteria.md``."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    CONFLICT = "conflict"


class Kind(enum.Enum):
    CLASSIFICATION = "classification"
    DIAGNOSTIC = "diagnostic"
    SCORE = "score"
    ACTIVITY = "activity"
    RESPONSE = "response"
    STATE = "state"


@dataclass(frozen=True, slots=True)
class Citation:
    text: str
    doi: str | None = None
    pmid: str | None = None

    def describe(self) -> str:
        parts = [self.text]
        if self.doi:
            parts.append(f"doi:{self.doi}")
        if self.pmid:
            parts.append(f"PMID {self.pmid}")
        return ". ".join(parts)


@dataclass(frozen=True, slots=True)
class Band:
    """One category of a score: the first band whose test holds names it."""

    label: str
    op: Op
    threshold: float


@dataclass(frozen=True, slots=True)
class Criterion:
    """One published instrument as data.

    ``rule`` gives the status (met / not met / indeterminate); ``score`` (for
    scores and indices) gives the value or its bounds; ``bands`` name the
    category of the score (activity band). ``caveats`` are shown with every
    result (unverified items, conflicts resolved, scope limits).
    """

    id: str
    version: str
    title: str
    kind: Kind
    citation: Citation
    verification: Verification
    rule: TruthNode
    applies_to: tuple[str, ...] = ()  # condition ids; empty = any patient
    score: ValueNode | None = None
    score_unit: str = "points"
    bands: tuple[Band, ...] = ()
    bands_source: str = ""
    needs_baseline: bool = False
    description: str = ""
    caveats: tuple[str, ...] = ()
    status_meaning: str = ""  # what "met" means, when not obvious (e.g. "inactive disease")
