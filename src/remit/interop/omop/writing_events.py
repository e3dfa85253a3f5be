"""Genotypes, episodes, adverse events and diary days as OMOP CDM v5.4 rows.

None of these has a concept id in standards-and-libraries.md, so every
concept id written here is 0 (or what a replaced concept map says) and the
remit code stays in the ``*_source_value`` columns:

* a genotype is an ``observation``: ``observation_source_value`` the gene,
  ``value_as_string`` the variant, ``qualifier_source_value`` the zygosity;
  its class (Eurofever/PRINTO) is a detail. It is dated on the record's
  anchor day (:func:`anchor_day`): a germline genotype has no date of its own.
* an episode is an ``episode`` row (``episode_source_value`` the kind, start
  and end); each feature is an ``observation`` of that finding kind on the
  episode's first day, tied to the episode by ``episode_event``; attributes
  and the duration in hours are details.
* an adverse event is a ``condition_occurrence``: ``condition_source_value``
  the term as reported (MedDRA cannot be shipped), start and end, and
  ``condition_type_concept_id`` from the map's ``type,adverse_event`` entry
  (0: the reference has no type concept for it); seriousness criteria,
  relatedness, outcome and the suspected drug are details.
* a diary day is one ``observation`` per answered AIDAI item
  (``observation_source_value`` ``aidai:<item>``, ``value_as_string`` yes or
  no), plus ``aidai:pain_relief``; a day with no answer at all is one
  ``aidai:day`` row, so the day itself is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from remit.core.record import AdverseEvent, DiaryDay, Episode, Genotype, PatientRecord
from remit.interop.omop.rows import Emitter

ADVERSE_EVENT_TYPE = "adverse_event"
DIARY_PREFIX = "aidai:"
DIARY_PAIN_RELIEF = "pain_relief"
DIARY_DAY = "day"


def anchor_day(record: PatientRecord, year_of_birth: int) -> date:
    """The day person-level rows (genotypes, the patient's note) and undated
    diagnoses are written on, since the CDM requires a date: the start of the
    follow-up period, else the birth date, else 1 January of the year of birth."""
    span = record.coverage()
    if span is not None:
        return span[0]
    birth = record.patient.birth
    return birth.earliest() if birth is not None else date(year_of_birth, 1, 1)


def _yes(answer: bool) -> str:
    return "yes" if answer else "no"


def write_genotypes(em: Emitter, person_id: int, genotypes: Sequence[Genotype], day: date) -> None:
    for i, g in enumerate(genotypes, start=1):
        row_id = em.out.add(
            "observation",
            {
                "person_id": person_id,
                "observation_concept_id": 0,
                "observation_date": day,
                "observation_type_concept_id": em.registry,
                "value_as_string": g.variant,
                "observation_source_value": g.gene,
                "observation_source_concept_id": 0,
                "qualifier_source_value": g.zygosity.value,
            },
        )
        em.key("observation", row_id, person_id, f"genotype-{i}", role="genotype")
        em.detail("observation", row_id, "classification", g.classification.value)


def write_episodes(em: Emitter, person_id: int, episodes: Sequence[Episode]) -> None:
    for e in episodes:
        episode_id = em.out.add(
            "episode",
            {
                "person_id": person_id,
                "episode_concept_id": em.concepts.concept_id("episode", e.kind.value),
                "episode_start_date": e.start,
                "episode_end_date": e.end,
                "episode_object_concept_id": 0,
                "episode_type_concept_id": em.registry,
                "episode_source_value": e.kind.value,
                "episode_source_concept_id": 0,
            },
        )
        em.key("episode", episode_id, person_id, e.id)
        for feature in e.features:
            event_id = em.out.add(
                "observation",
                {
                    "person_id": person_id,
                    "observation_concept_id": em.concepts.concept_id("finding", feature),
                    "observation_date": e.start,
                    "observation_type_concept_id": em.registry,
                    "value_as_string": "present",
                    "observation_source_value": feature,
                    "observation_source_concept_id": 0,
                },
            )
            em.key("observation", event_id, person_id, e.id, role="episode_feature")
            em.out.add(
                "episode_event",
                {"episode_id": episode_id, "event_id": event_id, "episode_event_field_concept_id": 0},
            )
        if e.duration_hours is not None:
            em.detail("episode", episode_id, "duration_hours", e.duration_hours)
        for name, value in e.attributes:
            em.detail("episode", episode_id, f"attribute:{name}", value)
        em.note(person_id, ("episode", episode_id, e.id), "note", e.note, e.start)


def write_adverse_events(em: Emitter, person_id: int, events: Sequence[AdverseEvent]) -> None:
    for a in events:
        row_id = em.out.add(
            "condition_occurrence",
            {
                "person_id": person_id,
                "condition_concept_id": 0,
                "condition_start_date": a.onset,
                "condition_end_date": a.end,
                "condition_type_concept_id": em.concepts.concept_id("type", ADVERSE_EVENT_TYPE),
                "condition_source_value": a.term,
                "condition_source_concept_id": 0,
            },
        )
        em.key("condition_occurrence", row_id, person_id, a.id, role=ADVERSE_EVENT_TYPE)
        for criterion in sorted(c.value for c in a.serious_criteria):
            em.detail("condition_occurrence", row_id, "serious", criterion)
        em.detail("condition_occurrence", row_id, "relatedness", a.relatedness.value)
        em.detail("condition_occurrence", row_id, "outcome", a.outcome.value)
        if a.drug is not None:
            em.detail("condition_occurrence", row_id, "drug", a.drug)
        em.note(person_id, ("condition_occurrence", row_id, a.id), "note", a.note, a.onset)


def write_diary(em: Emitter, person_id: int, diary: Sequence[DiaryDay]) -> None:
    for i, day in enumerate(diary, start=1):
        answers: list[tuple[str, str | None]] = [(item, _yes(answer)) for item, answer in day.items]
        if day.pain_relief is not None:
            answers.append((DIARY_PAIN_RELIEF, _yes(day.pain_relief)))
        for item, value in answers or [(DIARY_DAY, None)]:
            row_id = em.out.add(
                "observation",
                {
                    "person_id": person_id,
                    "observation_concept_id": 0,
                    "observation_date": day.date,
                    "observation_type_concept_id": em.registry,
                    "value_as_string": value,
                    "observation_source_value": f"{DIARY_PREFIX}{item}",
                    "observation_source_concept_id": 0,
                },
            )
            em.key("observation", row_id, person_id, f"diary-{i}", role="diary")
