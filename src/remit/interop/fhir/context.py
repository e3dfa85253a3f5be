"""What the per-resource mappings need besides the resource itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from remit.interop.fhir.elements import JSON, reference, resource_id


@dataclass(frozen=True, slots=True)
class WriteContext:
    """One patient being written: ``key`` seeds every resource id (the
    patient id, or the pseudonym in a de-identified export)."""

    key: str

    @property
    def patient_id(self) -> str:
        return resource_id(self.key, "Patient")

    @property
    def subject(self) -> JSON:
        return reference("Patient", self.patient_id)

    def rid(self, resource_type: str, item: str) -> str:
        return resource_id(self.key, resource_type, item)

    def encounter(self, encounter_id: str | None) -> JSON | None:
        return None if encounter_id is None else reference("Encounter", self.rid("Encounter", encounter_id))


Resolver = Callable[[Mapping[str, Any] | None], Mapping[str, Any] | None]


@dataclass(slots=True)
class ReadContext:
    """One patient being read. ``encounters`` maps an Encounter's reference
    keys (``Encounter/<id>``, its fullUrl) to the remit encounter id;
    ``resolve`` finds the resource a Reference points at, anywhere in the
    input; ``notes`` collects what could not be used of the current resource."""

    patient_id: str
    resolve: Resolver
    encounters: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def encounter_id(self, ref: Mapping[str, Any] | None) -> str | None:
        if ref is None:
            return None
        target = self.resolve(ref)
        key = None if target is None else f"Encounter/{target.get('id')}"
        found = self.encounters.get(key) if key is not None else None
        if found is None:
            self.notes.append(
                f"link to {ref.get('reference') or 'an encounter'} dropped: no such Encounter was imported"
            )
        return found
