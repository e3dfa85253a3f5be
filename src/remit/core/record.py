"""The patient record: immutable domain types and the ``PatientRecord`` aggregate.

Repositories and importers build these; the criteria, dosing and outcome code
only reads them. Every type is a frozen dataclass of tuples, so a record can be
shared, hashed and evaluated concurrently without copies.

Dates are calendar dates. The index date of an evaluation is always passed in;
nothing here reads a clock.
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from remit.core.codes import Coding
from remit.core.measurements import Measurement
from remit.core.medications import MedicationCourse
from remit.errors import RecordError

Attribute = tuple[str, str | int | float | bool]
_Date = date  # for annotations in classes that have a field named ``date``


class Sex(enum.Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A date of birth, possibly known only to the month (registries often
    store year and month to reduce identifiability)."""

    year: int
    month: int
    day: int | None = None

    def __post_init__(self) -> None:
        self.earliest()  # validates

    def earliest(self) -> date:
        return date(self.year, self.month, self.day or 1)

    def latest(self) -> date:
        if self.day is not None:
            return date(self.year, self.month, self.day)
        first_next = date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return first_next - timedelta(days=1)

    def age_years(self, on: date) -> tuple[float, float]:
        """Age on ``on`` as ``(youngest, oldest)`` in completed years (fractional)."""
        return (_years_between(self.latest(), on), _years_between(self.earliest(), on))

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


def _years_between(start: date, end: date) -> float:
    whole = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    anniversary = _add_years(start, whole)
    next_anniversary = _add_years(start, whole + 1)
    return whole + (end - anniversary).days / (next_anniversary - anniversary).days


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


class Zygosity(enum.Enum):
    HETEROZYGOUS = "heterozygous"
    HOMOZYGOUS = "homozygous"
    COMPOUND_HETEROZYGOUS = "compound_heterozygous"
    HEMIZYGOUS = "hemizygous"
    MOSAIC = "mosaic"
    UNKNOWN = "unknown"


class GenotypeClass(enum.Enum):
    """Eurofever/PRINTO 2019 genotype classes (definitions UNVERIFIED, see
    criteria.md §7c): recorded as entered by the clinician, never inferred."""

    CONFIRMATORY = "confirmatory"
    NOT_CONFIRMATORY = "not_confirmatory"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Genotype:
    gene: str
    variant: str
    zygosity: Zygosity = Zygosity.UNKNOWN
    classification: GenotypeClass = GenotypeClass.UNKNOWN


@dataclass(frozen=True, slots=True)
class Patient:
    id: str
    site: str
    sex: Sex = Sex.UNKNOWN
    birth: BirthDate | None = None
    genotypes: tuple[Genotype, ...] = ()
    ethnicity: str | None = None
    note: str | None = None


class DiagnosisStatus(enum.Enum):
    ACTIVE = "active"
    SUSPECTED = "suspected"
    RESOLVED = "resolved"
    REFUTED = "refuted"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    id: str
    condition: str  # remit condition id, see core.conditions
    onset: date | None = None
    status: DiagnosisStatus = DiagnosisStatus.ACTIVE
    codings: tuple[Coding, ...] = ()
    recorded: date | None = None
    note: str | None = None


class EncounterKind(enum.Enum):
    BASELINE = "baseline"
    SCHEDULED = "scheduled"
    UNSCHEDULED = "unscheduled"
    ADMISSION = "admission"


@dataclass(frozen=True, slots=True)
class Encounter:
    id: str
    date: date
    kind: EncounterKind = EncounterKind.UNSCHEDULED
    month: int | None = None  # "scheduled month N" of a follow-up schedule
    weight: Measurement | None = None
    height: Measurement | None = None
    end: _Date | None = None  # discharge date of an admission (``date`` is shadowed by the field above)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """A lab or vital sign: ``measurement`` keeps the value as entered and the
    canonical interval."""

    id: str
    measurement: Measurement
    date: date
    time: time | None = None
    encounter: str | None = None
    source: str | None = None
    code: Coding | None = None  # the code as received, if not the analyte's own

    @property
    def analyte(self) -> str:
        return self.measurement.analyte


@dataclass(frozen=True, slots=True)
class Finding:
    """A clinical finding recorded present or absent over ``start``..``end``
    (a single day when ``end`` is None)."""

    id: str
    kind: str  # core.findings id
    start: date
    present: bool = True
    end: date | None = None
    value: Measurement | None = None
    attributes: tuple[Attribute, ...] = ()
    encounter: str | None = None
    note: str | None = None

    @property
    def last_day(self) -> date:
        return self.end or self.start

    def attribute(self, name: str) -> str | int | float | bool | None:
        for key, value in self.attributes:
            if key == name:
                return value
        return None


class EpisodeKind(enum.Enum):
    FEVER_ATTACK = "fever_attack"
    FLARE = "flare"
    MAS = "mas"
    PERICARDITIS = "pericarditis"


@dataclass(frozen=True, slots=True)
class Episode:
    """A fever attack, flare or MAS episode. ``features`` are finding-kind ids
    (``abdominal_pain``, ``chest_pain``, ``arthritis`` ...); ``attributes`` hold
    attack details such as ``max_temperature_c`` or ``temperature_site``."""

    id: str
    kind: EpisodeKind
    start: date
    end: date | None = None
    features: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    duration_hours: float | None = None  # when known more precisely than the dates
    note: str | None = None

    def attribute(self, name: str) -> str | int | float | bool | None:
        for key, value in self.attributes:
            if key == name:
                return value
        return None


class SeriousCriterion(enum.Enum):
    """The seriousness criteria used by the cohort paper (ICH E2A)."""

    DEATH = "death"
    LIFE_THREATENING = "life_threatening"
    HOSPITALISATION = "hospitalisation"
    DISABILITY = "disability"
    CONGENITAL_ANOMALY = "congenital_anomaly"


class Relatedness(enum.Enum):
    UNRELATED = "unrelated"
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    DEFINITE = "definite"
    UNKNOWN = "unknown"


class AdverseEventOutcome(enum.Enum):
    RECOVERED = "recovered"
    RECOVERING = "recovering"
    NOT_RECOVERED = "not_recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae"
    FATAL = "fatal"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    id: str
    term: str
    onset: date
    end: date | None = None
    serious_criteria: frozenset[SeriousCriterion] = frozenset()
    relatedness: Relatedness = Relatedness.UNKNOWN
    outcome: AdverseEventOutcome = AdverseEventOutcome.UNKNOWN
    drug: str | None = None  # drug id suspected, if any
    note: str | None = None

    @property
    def serious(self) -> bool:
        return bool(self.serious_criteria)


# The 12 scored AIDAI diary items. Wording is UNVERIFIED (criteria.md §9).
AIDAI_ITEMS: tuple[str, ...] = (
    "fever",
    "overall_symptoms",
    "abdominal_pain",
    "nausea_vomiting",
    "diarrhoea",
    "headaches",
    "chest_pain",
    "painful_lymph_nodes",
    "arthralgia_myalgia",
    "joint_swelling",
    "eye_manifestations",
    "skin_rash",
)


@dataclass(frozen=True, slots=True)
class DiaryDay:
    """One day of the AIDAI diary: each item True/False, or absent if not
    answered. ``pain_relief`` is recorded but not scored."""

    date: date
    items: tuple[tuple[str, bool], ...]
    pain_relief: bool | None = None

    def __post_init__(self) -> None:
        unknown = {name for name, _ in self.items} - set(AIDAI_ITEMS)
        if unknown:
            raise RecordError(f"unknown AIDAI items {sorted(unknown)}; expected {list(AIDAI_ITEMS)}", field="items")

    def answer(self, item: str) -> bool | None:
        for name, value in self.items:
            if name == item:
                return value
        return None


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """Everything known about one patient, in time order.

    ``follow_up`` is the period over which the registry would have recorded a
    fact had it happened (data coverage). Absence of a finding inside it can
    mean "absent" for criteria that declare so; outside it, absence means
    unknown. When not given, it spans the first to the last dated fact.
    """

    patient: Patient
    diagnoses: tuple[Diagnosis, ...] = ()
    encounters: tuple[Encounter, ...] = ()
    observations: tuple[Observation, ...] = ()
    findings: tuple[Finding, ...] = ()
    medications: tuple[MedicationCourse, ...] = ()
    episodes: tuple[Episode, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    diary: tuple[DiaryDay, ...] = ()
    follow_up: tuple[date, date] | None = None
    _by_analyte: dict[str, tuple[Observation, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Derived indexes, built once: the criteria engine asks thousands of as-of
    # questions per evaluation and must not scan the whole record each time.
    _index: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sort = object.__setattr__
        sort(self, "encounters", tuple(sorted(self.encounters, key=lambda e: (e.date, e.id))))
        sort(self, "observations", tuple(sorted(self.observations, key=lambda o: (o.date, o.time or time(), o.id))))
        sort(self, "findings", tuple(sorted(self.findings, key=lambda f: (f.start, f.id))))
        sort(self, "medications", tuple(sorted(self.medications, key=lambda m: (m.start, m.id))))
        sort(self, "episodes", tuple(sorted(self.episodes, key=lambda e: (e.start, e.id))))
        sort(self, "adverse_events", tuple(sorted(self.adverse_events, key=lambda a: (a.onset, a.id))))
        sort(self, "diary", tuple(sorted(self.diary, key=lambda d: d.date)))
        self._validate()
        index: dict[str, list[Observation]] = {}
        for obs in self.observations:
            index.setdefault(obs.analyte, []).append(obs)
        for encounter in self.encounters:
            for m in (encounter.weight, encounter.height):
                if m is not None:
                    index.setdefault(m.analyte, []).append(
                        Observation(f"{encounter.id}:{m.analyte}", m, encounter.date, encounter=encounter.id)
                    )
        for finding in self.findings:
            if finding.value is not None:
                index.setdefault(finding.value.analyte, []).append(
                    Observation(f"{finding.id}:value", finding.value, finding.start, encounter=finding.encounter)
                )
        self._by_analyte.update(
            {k: tuple(sorted(v, key=lambda o: (o.date, o.time or time(), o.id))) for k, v in index.items()}
        )
        self._index["analyte_dates"] = {k: [o.date for o in v] for k, v in self._by_analyte.items()}
        findings_by_kind: dict[str, list[Finding]] = {}
        for finding in self.findings:
            findings_by_kind.setdefault(finding.kind, []).append(finding)
        self._index["findings"] = {k: tuple(v) for k, v in findings_by_kind.items()}
        self._index["finding_starts"] = {k: [f.start for f in v] for k, v in findings_by_kind.items()}
        self._index["finding_span"] = {
            k: max((f.last_day - f.start for f in v), default=timedelta(0)) for k, v in findings_by_kind.items()
        }
        episodes_by_kind: dict[EpisodeKind, list[Episode]] = {}
        for episode in self.episodes:
            episodes_by_kind.setdefault(episode.kind, []).append(episode)
        self._index["episodes"] = {k: tuple(v) for k, v in episodes_by_kind.items()}
        self._index["diary_dates"] = [d.date for d in self.diary]
        self._index["visit_dates"] = sorted({e.date for e in self.encounters})
        self._index["coverage"] = self._compute_coverage()
        self._index["first_fact"] = min(self.dated_facts(), default=None)

    def _validate(self) -> None:
        ids: set[str] = set()
        groups: tuple[tuple[str, Iterable[object]], ...] = (
            ("diagnoses", self.diagnoses),
            ("encounters", self.encounters),
            ("observations", self.observations),
            ("findings", self.findings),
            ("medications", self.medications),
            ("episodes", self.episodes),
            ("adverse_events", self.adverse_events),
        )
        for name, items in groups:
            for item in items:
                item_id = getattr(item, "id")  # noqa: B009 - heterogeneous dataclasses
                if item_id in ids:
                    raise RecordError(f"duplicate id {item_id!r} in patient {self.patient.id}", field=name)
                ids.add(item_id)
        for course in self.medications:
            if course.stop is not None and course.stop < course.start:
                raise RecordError(
                    f"course {course.id} stops ({course.stop}) before it starts ({course.start})", field="medications"
                )
            for dose in course.doses:
                if dose.start < course.start:
                    raise RecordError(
                        f"course {course.id}: dose from {dose.start} precedes the course start", field="medications"
                    )
        for spanned, label in ((self.findings, "findings"), (self.episodes, "episodes")):
            for item in spanned:
                start, end = getattr(item, "start"), getattr(item, "end")  # noqa: B009
                if end is not None and end < start:
                    raise RecordError(f"{item.id} ends before it starts", field=label)

    # ----- as-of queries -------------------------------------------------

    def values(self, analyte: str, start: date | None = None, end: date | None = None) -> tuple[Observation, ...]:
        """Every value of ``analyte`` dated within ``start..end`` (inclusive),
        oldest first. Weight and height recorded on encounters are included, as
        are values carried by findings (temperature of a fever)."""
        rows = self._by_analyte.get(analyte, ())
        if not rows:
            return ()
        dates = self._index["analyte_dates"][analyte]
        lo = 0 if start is None else bisect_left(dates, start)
        hi = len(rows) if end is None else bisect_right(dates, end)
        return rows[lo:hi]

    def latest(self, analyte: str, on: date, lookback: timedelta | None = None) -> Observation | None:
        """The most recent value on or before ``on`` (within ``lookback``)."""
        start = on - lookback if lookback is not None else None
        found = self.values(analyte, start, on)
        return found[-1] if found else None

    def nearest(self, analyte: str, on: date) -> Observation | None:
        """The value closest in time to ``on`` (earlier wins a tie): how the
        weight for a dose check is chosen."""
        rows = self._by_analyte.get(analyte, ())
        if not rows:
            return None
        return min(rows, key=lambda o: (abs((o.date - on).days), o.date > on))

    def weight_on(self, on: date) -> Observation | None:
        return self.nearest("weight", on)

    def height_on(self, on: date) -> Observation | None:
        return self.nearest("height", on)

    def findings_of(self, kind: str, start: date | None = None, end: date | None = None) -> tuple[Finding, ...]:
        """Findings of ``kind`` (present or absent) overlapping ``start..end``."""
        rows: tuple[Finding, ...] = self._index["findings"].get(kind, ())
        if not rows:
            return ()
        starts = self._index["finding_starts"][kind]
        hi = len(rows) if end is None else bisect_right(starts, end)
        if start is None:
            return rows[:hi]
        # Nothing that starts more than the longest span before ``start`` can reach it.
        lo = bisect_left(starts, start - self._index["finding_span"][kind])
        return tuple(f for f in rows[lo:hi] if f.last_day >= start)

    def active_medications(self, on: date) -> tuple[MedicationCourse, ...]:
        return tuple(m for m in self.medications if m.active_on(on))

    def courses_of(self, drug: str) -> tuple[MedicationCourse, ...]:
        return tuple(m for m in self.medications if m.drug == drug)

    def episodes_of(self, kind: EpisodeKind, start: date | None = None, end: date | None = None) -> tuple[Episode, ...]:
        return tuple(
            e
            for e in self._index["episodes"].get(kind, ())
            if (end is None or e.start <= end) and (start is None or (e.end or e.start) >= start)
        )

    def visit_dates(self) -> list[date]:
        """The days with an encounter, each once, oldest first (a shared list: do not modify)."""
        days: list[date] = self._index["visit_dates"]
        return days

    def diary_between(self, start: date, end: date) -> tuple[DiaryDay, ...]:
        dates = self._index["diary_dates"]
        return self.diary[bisect_left(dates, start) : bisect_right(dates, end)]

    def has_condition(self, condition: str) -> bool:
        return any(d.condition == condition and d.status is not DiagnosisStatus.REFUTED for d in self.diagnoses)

    def dated_facts(self) -> Iterator[date]:
        for d in self.diagnoses:
            if d.onset:
                yield d.onset
        yield from (e.date for e in self.encounters)
        yield from (o.date for o in self.observations)
        yield from (f.start for f in self.findings)
        yield from (m.start for m in self.medications)
        yield from (e.start for e in self.episodes)
        yield from (a.onset for a in self.adverse_events)
        yield from (d.date for d in self.diary)

    def first_fact(self) -> date | None:
        """The start of the record: its earliest dated fact (None for an empty record)."""
        first: date | None = self._index["first_fact"]
        return first

    def coverage(self) -> tuple[date, date] | None:
        """The data-coverage period (declared, or first..last dated fact)."""
        span: tuple[date, date] | None = self._index["coverage"]
        return span

    def _compute_coverage(self) -> tuple[date, date] | None:
        if self.follow_up is not None:
            return self.follow_up
        days = list(self.dated_facts())
        if not days:
            return None
        return (min(days), max(days))

    def covers(self, start: date, end: date) -> bool:
        span = self.coverage()
        return span is not None and span[0] <= start and end <= span[1]
