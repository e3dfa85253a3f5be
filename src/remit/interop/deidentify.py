"""De-identification for exports, the way REDCap does it (standards §A1.1, §C).

* The patient id becomes a pseudonym: ``R`` + the first 20 hex digits of
  HMAC-SHA256(pseudonym key, patient id). The same key gives the same
  pseudonym in every export, so exports can be linked; without the key the id
  cannot be recovered or confirmed.
* Every date of a patient moves back by the same number of days, 0-364,
  derived from a second key: ``int.from_bytes(HMAC-SHA256(date key, patient
  id)[:4]) % 365``. Intervals within a patient are kept exactly.
* The birth date is removed; the age at the index date (computed on the real
  dates, before shifting) is exported instead.
* Free text is dropped: patient, diagnosis, visit, finding, course, episode and
  adverse-event notes, observation sources, dose texts, the patient's
  ethnicity (free text in remit) and code displays other than remit's own.
  Adverse-event terms are kept: they are the event itself.
* Item ids (typed by people, so they may hold a date or a name) are replaced
  by neutral ones - ``dx1``, ``e1``, ``o1``, ``f1``, ``m1``, ``ep1``, ``ae1``
  in time order - and visit references follow.

Keys come from the environment (``REMIT_DEID_KEY``, and optionally
``REMIT_DEID_DATE_KEY``), never from the database, and are never written into
an export. Without a separate date key, both keys are derived from
``REMIT_DEID_KEY`` with different labels, so knowing a pseudonym's key does
not reveal the date shift.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from remit.core.codes import Coding
from remit.core.conditions import CONDITIONS
from remit.core.medications import Dose, MedicationCourse
from remit.core.record import (
    AdverseEvent,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    Finding,
    Observation,
    Patient,
    PatientRecord,
)
from remit.interop.errors import DeidentificationKeyError, InteropError
from remit.interop.subjects import ExportSubject, age_at, index_date

KEY_VARIABLE = "REMIT_DEID_KEY"
DATE_KEY_VARIABLE = "REMIT_DEID_DATE_KEY"
MIN_KEY_LENGTH = 32
MAX_SHIFT_DAYS = 364
PSEUDONYM_PREFIX = "R"
PSEUDONYM_HEX_DIGITS = 20


@dataclass(frozen=True, slots=True)
class DeidentificationKeys:
    """The two secret keys. ``repr`` never shows them."""

    pseudonym_key: bytes
    date_key: bytes

    def __repr__(self) -> str:
        return "DeidentificationKeys(<secret>)"

    @classmethod
    def from_secret(cls, secret: str, date_secret: str | None = None) -> DeidentificationKeys:
        for name, value in ((KEY_VARIABLE, secret), (DATE_KEY_VARIABLE, date_secret)):
            if value is not None and len(value) < MIN_KEY_LENGTH:
                raise DeidentificationKeyError(
                    f"{name} must be at least {MIN_KEY_LENGTH} characters (it is {len(value)}); generate one with "
                    "`python -c 'import secrets; print(secrets.token_hex(32))'` and keep it out of the database"
                )
        root = secret.encode("utf-8")
        date_root = date_secret.encode("utf-8") if date_secret is not None else root
        return cls(_derive(root, b"remit pseudonym v1"), _derive(date_root, b"remit date shift v1"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DeidentificationKeys:
        env = os.environ if environ is None else environ
        secret = env.get(KEY_VARIABLE)
        if not secret:
            raise DeidentificationKeyError(
                f"a de-identified export needs a secret key: set {KEY_VARIABLE} (at least {MIN_KEY_LENGTH} "
                "characters, kept outside the database; the same key gives the same pseudonyms and date shifts)"
            )
        return cls.from_secret(secret, env.get(DATE_KEY_VARIABLE) or None)

    def pseudonym(self, patient_id: str) -> str:
        digest = hmac.new(self.pseudonym_key, patient_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_DIGITS]

    def shift_days(self, patient_id: str) -> int:
        """How many days this patient's dates move back (0-364)."""
        digest = hmac.new(self.date_key, patient_id.encode("utf-8"), hashlib.sha256).digest()
        return int.from_bytes(digest[:4], "big") % (MAX_SHIFT_DAYS + 1)


def _derive(root: bytes, label: bytes) -> bytes:
    return hmac.new(root, label, hashlib.sha256).digest()


def deidentify(record: PatientRecord, keys: DeidentificationKeys) -> ExportSubject:
    """The record pseudonymised, date-shifted and stripped of free text, with
    the age at index computed on the real dates."""
    real_index = index_date(record)
    age = age_at(record, real_index)
    record = _renamed(record)
    shift = _Shift(timedelta(days=keys.shift_days(record.patient.id)))
    patient = record.patient
    shifted = PatientRecord(
        patient=Patient(
            id=keys.pseudonym(patient.id), site=patient.site, sex=patient.sex, birth=None, genotypes=patient.genotypes
        ),
        diagnoses=tuple(shift.diagnosis(d) for d in record.diagnoses),
        encounters=tuple(shift.encounter(e) for e in record.encounters),
        observations=tuple(shift.observation(o) for o in record.observations),
        findings=tuple(shift.finding(f) for f in record.findings),
        medications=tuple(shift.course(m) for m in record.medications),
        episodes=tuple(shift.episode(e) for e in record.episodes),
        adverse_events=tuple(shift.adverse_event(a) for a in record.adverse_events),
        diary=tuple(DiaryDay(shift(d.date), d.items, d.pain_relief) for d in record.diary),
        follow_up=(shift(record.follow_up[0]), shift(record.follow_up[1])) if record.follow_up else None,
    )
    return ExportSubject(shifted, shift.optional(real_index), age, deidentified=True)


def deidentify_all(records: Iterable[PatientRecord], keys: DeidentificationKeys) -> tuple[ExportSubject, ...]:
    """De-identify several records; two patients may never share a pseudonym."""
    result: list[ExportSubject] = []
    seen: dict[str, str] = {}
    for record in records:
        subject = deidentify(record, keys)
        pseudonym = subject.record.patient.id
        if pseudonym in seen and seen[pseudonym] != record.patient.id:
            raise InteropError(f"two patients map to the pseudonym {pseudonym}; export them separately")
        seen[pseudonym] = record.patient.id
        result.append(subject)
    return tuple(result)


def _renamed(record: PatientRecord) -> PatientRecord:
    """Neutral item ids (the record's own order is time order)."""
    visits = {e.id: f"e{i}" for i, e in enumerate(record.encounters, start=1)}

    def visit(encounter_id: str | None) -> str | None:
        return None if encounter_id is None else visits.get(encounter_id, encounter_id)

    return replace(
        record,
        diagnoses=tuple(replace(d, id=f"dx{i}") for i, d in enumerate(record.diagnoses, start=1)),
        encounters=tuple(replace(e, id=visits[e.id]) for e in record.encounters),
        observations=tuple(
            replace(o, id=f"o{i}", encounter=visit(o.encounter)) for i, o in enumerate(record.observations, start=1)
        ),
        findings=tuple(
            replace(f, id=f"f{i}", encounter=visit(f.encounter)) for i, f in enumerate(record.findings, start=1)
        ),
        medications=tuple(replace(m, id=f"m{i}") for i, m in enumerate(record.medications, start=1)),
        episodes=tuple(replace(e, id=f"ep{i}") for i, e in enumerate(record.episodes, start=1)),
        adverse_events=tuple(replace(a, id=f"ae{i}") for i, a in enumerate(record.adverse_events, start=1)),
    )


class _Shift:
    """Moves every date of one record back by the same offset and drops free text."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def __call__(self, day: date) -> date:
        return day - self.offset

    def optional(self, day: date | None) -> date | None:
        return None if day is None else day - self.offset

    def diagnosis(self, d: Diagnosis) -> Diagnosis:
        defaults = {(c.system, c.code): c for c in CONDITIONS[d.condition].codings} if d.condition in CONDITIONS else {}
        codings = tuple(defaults.get((c.system, c.code), Coding(c.system, c.code)) for c in d.codings)
        return replace(d, onset=self.optional(d.onset), recorded=self.optional(d.recorded), codings=codings, note=None)

    def encounter(self, e: Encounter) -> Encounter:
        return replace(e, date=self(e.date), end=self.optional(e.end), note=None)

    def observation(self, o: Observation) -> Observation:
        return replace(o, date=self(o.date), source=None)

    def finding(self, f: Finding) -> Finding:
        return replace(f, start=self(f.start), end=self.optional(f.end), note=None)

    def course(self, m: MedicationCourse) -> MedicationCourse:
        doses = tuple(Dose(self(d.start), d.amount, d.unit, d.frequency, None, d.count) for d in m.doses)
        return replace(m, start=self(m.start), stop=self.optional(m.stop), doses=doses, note=None)

    def episode(self, e: Episode) -> Episode:
        return replace(e, start=self(e.start), end=self.optional(e.end), note=None)

    def adverse_event(self, a: AdverseEvent) -> AdverseEvent:
        return replace(a, onset=self(a.onset), end=self.optional(a.end), note=None)
