"""Reading back what :mod:`.writing_events` writes: genotypes, diary days,
episodes (``episode`` + ``episode_event``) and adverse events.

These rows are recognised by their ``remit_source_key`` role; a CDM written
elsewhere has no such rows, and its episodes, or condition rows that name no
remit condition, are skipped with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from remit.core.findings import FINDING_KINDS
from remit.core.record import (
    AIDAI_ITEMS,
    AdverseEvent,
    AdverseEventOutcome,
    Episode,
    EpisodeKind,
    Genotype,
    GenotypeClass,
    Relatedness,
    SeriousCriterion,
    Zygosity,
)
from remit.errors import RecordError, UnknownCodeError
from remit.interop.omop.reading_base import REPORTED, Person, ReaderBase, Row
from remit.interop.omop.writing_events import DIARY_DAY, DIARY_PAIN_RELIEF, DIARY_PREFIX

_ANSWERS = {"yes": True, "no": False}


def attributes(details: list[tuple[str, Any]]) -> tuple[tuple[str, Any], ...]:
    return tuple((name.partition(":")[2], value) for name, value in details if name.startswith("attribute:"))


class EventReader(ReaderBase):
    def genotype(self, person: Person, row: Row) -> str | None:
        details = self.detail_map("observation", int(row["observation_id"]))
        person.genotypes.append(
            Genotype(
                gene=str(row["observation_source_value"]),
                variant=str(row["value_as_string"]),
                zygosity=Zygosity(row.get("qualifier_source_value") or Zygosity.UNKNOWN.value),
                classification=GenotypeClass(details.get("classification") or GenotypeClass.UNKNOWN.value),
            )
        )
        return None

    def diary_answer(self, person: Person, row: Row, day_id: str) -> str | None:
        source = str(row.get("observation_source_value") or "")
        if not source.startswith(DIARY_PREFIX):
            raise RecordError(f"a diary row needs observation_source_value {DIARY_PREFIX}<item>, not {source!r}")
        item = source.removeprefix(DIARY_PREFIX)
        day: date = row["observation_date"]
        entry = person.diary.get(day_id)
        if entry is None:
            entry = person.diary[day_id] = {"date": day, "items": [], "pain_relief": None}
            answer = None
        elif entry["date"] != day:
            raise RecordError(f"diary day {day_id} has rows on {entry['date']} and {day}")
        else:
            self.report.merged("observation", self.where("observation", row), f"an answer of diary day {day}")
            answer = REPORTED
        if item == DIARY_DAY:
            return answer
        value = _ANSWERS.get(str(row.get("value_as_string")))
        if value is None:
            raise RecordError(f"a diary answer must be yes or no, not {row.get('value_as_string')!r}")
        if item == DIARY_PAIN_RELIEF:
            entry["pain_relief"] = value
        elif item in AIDAI_ITEMS:
            entry["items"].append((item, value))
        else:
            raise UnknownCodeError(f"{item!r} is not an AIDAI diary item")
        return answer

    def episode_feature(self, person: Person, row: Row) -> str | None:
        kind = row.get("observation_source_value")
        if kind not in FINDING_KINDS:
            raise UnknownCodeError(f"episode feature {kind!r} is not a remit finding kind")
        key = self.key("observation", row) or {}
        self.features[int(row["observation_id"])] = (person, str(kind))
        self.report.merged("observation", self.where("observation", row), f"a feature of episode {key['remit_id']}")
        return REPORTED

    def episode(self, person: Person, row: Row) -> str | None:
        source = row.get("episode_source_value")
        if source not in {k.value for k in EpisodeKind}:
            code = self.concepts.remit_code("episode", row.get("episode_concept_id"))
            if code is None:
                raise UnknownCodeError(
                    f"no remit episode kind for source value {source!r} / concept {row.get('episode_concept_id')}"
                )
            source = code
        episode_id = int(row["episode_id"])
        details = self.detail_list("episode", episode_id)
        duration = dict(details).get("duration_hours")
        if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int | float)):
            raise RecordError(f"duration_hours must be a number, not {duration!r}")
        remit_id = self.item_id(person, "episode", row, "episode")
        person.episodes[episode_id] = Episode(
            id=remit_id,
            kind=EpisodeKind(source),
            start=row["episode_start_date"],
            end=row.get("episode_end_date"),
            attributes=attributes(details),
            duration_hours=duration,
            note=self.text("episode", episode_id, "note", f"the note of episode {remit_id}"),
        )
        return None

    def episode_event(self, row: Row) -> str | None:
        found = self.features.get(int(row["event_id"]))
        if found is None:
            raise RecordError(f"event {row['event_id']} is not an imported episode feature (observation)")
        person, kind = found
        episode = person.episodes.get(int(row["episode_id"]))
        if episode is None:
            raise RecordError(f"no imported episode {row['episode_id']} of person {person.patient.id}")
        person.episodes[int(row["episode_id"])] = Episode(
            episode.id,
            episode.kind,
            episode.start,
            episode.end,
            (*episode.features, kind),
            episode.attributes,
            episode.duration_hours,
            episode.note,
        )
        self.report.merged("episode_event", self.where("episode_event", row), f"feature {kind} of episode {episode.id}")
        return REPORTED

    def adverse_event(self, person: Person, row: Row) -> str | None:
        row_id = int(row["condition_occurrence_id"])
        details = self.detail_list("condition_occurrence", row_id)
        found = dict(details)
        event_id = self.item_id(person, "condition_occurrence", row, "condition")
        drug = found.get("drug")
        person.adverse_events.append(
            AdverseEvent(
                id=event_id,
                term=str(row["condition_source_value"]),
                onset=row["condition_start_date"],
                end=row.get("condition_end_date"),
                serious_criteria=frozenset(SeriousCriterion(v) for name, v in details if name == "serious"),
                relatedness=Relatedness(found.get("relatedness") or Relatedness.UNKNOWN.value),
                outcome=AdverseEventOutcome(found.get("outcome") or AdverseEventOutcome.UNKNOWN.value),
                drug=str(drug) if drug is not None else None,
                note=self.text("condition_occurrence", row_id, "note", f"the note of adverse event {event_id}"),
            )
        )
        return None
