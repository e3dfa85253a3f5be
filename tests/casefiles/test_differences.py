"""An edit's difference, applied to the whole case file before it, gives the whole case file after it.

The audit log stores edits as differences (:mod:`remit.casefiles.differences`) and rebuilds
whole records from them, so this is what makes the history whole: checked against
:func:`remit.casefiles.dump` of the record after the edit, for random records edited the
ways remit edits them (items appended, changed and moved to the end, removed) and for
arbitrary pairs of records (reordered sections, every part changed).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.casefiles import dump, load
from remit.casefiles.differences import PLACES, apply, difference
from remit.casefiles.writing import SECTION_WRITERS
from remit.core.record import PatientRecord
from tests.casefiles.test_roundtrip import EXAMPLE
from tests.strategies import patient_records

EDITS = ("same", "other", "append", "remove", "change", "reverse")


def key(item: Any) -> Any:
    return getattr(item, "date", None) if not hasattr(item, "id") else item.id


def edited(record: PatientRecord, other: PatientRecord, data: st.DataObject) -> PatientRecord:
    """``record`` with each section edited one of the ways in :data:`EDITS`, using items of ``other``."""
    sections: dict[str, Any] = {}
    for section in SECTION_WRITERS:
        items, others = getattr(record, section), getattr(other, section)
        taken = {key(x) for x in items}
        edit = data.draw(st.sampled_from(EDITS), label=section)
        if edit == "other":
            sections[section] = others
        elif edit == "append":
            sections[section] = (*items, *(x for x in others if key(x) not in taken))
        elif edit == "remove" and items:
            keep = data.draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
            sections[section] = tuple(x for x, kept in zip(items, keep, strict=True) if kept)
        elif edit == "change":  # an item replaced by another with its key, moved to the end (as the web forms do)
            same_key = [x for x in others if key(x) in taken]
            if same_key:
                new = same_key[0]
                sections[section] = (*(x for x in items if key(x) != key(new)), new)
        elif edit == "reverse":
            sections[section] = tuple(reversed(items))
    if data.draw(st.booleans(), label="patient"):
        sections["patient"] = other.patient
    if data.draw(st.booleans(), label="follow_up"):
        sections["follow_up"] = other.follow_up
    return dataclasses.replace(record, **sections)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(patient_records(), patient_records(), st.data())
def test_applying_an_edits_difference_gives_the_record_after_it(
    before: PatientRecord, other: PatientRecord, data: st.DataObject
) -> None:
    after = edited(before, other, data)
    was, now = difference(before, after)
    assert apply(dump(before), was, now) == dump(after)
    # stored as JSON and read back, it still applies (what the audit log does)
    assert apply(json.loads(json.dumps(dump(before))), *json.loads(json.dumps([was, now]))) == dump(after)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(patient_records(), patient_records())
def test_any_two_records_of_a_patient(before: PatientRecord, after: PatientRecord) -> None:
    assert apply(dump(before), *difference(before, after)) == dump(after)


def test_an_added_encounter_is_all_the_difference_holds() -> None:
    record = load(EXAMPLE)
    later = record.observations[-1].date + timedelta(days=1)
    encounter = dataclasses.replace(record.encounters[0], id="e-new", date=later, end=None, note="added")
    lab = dataclasses.replace(record.observations[0], id="o-new", date=later, encounter="e-new")
    after = dataclasses.replace(
        record, encounters=(*record.encounters, encounter), observations=(*record.observations, lab)
    )
    was, now = difference(record, after)
    assert was == {}
    assert now == {
        "encounters": [dump(after)["encounters"][-1]],
        "observations": [dump(after)["observations"][-1]],
    }


def test_a_changed_item_is_written_as_it_was_and_as_it_is_with_its_place() -> None:
    record = load(EXAMPLE)
    changed = dataclasses.replace(record.observations[1], source="corrected")
    after = dataclasses.replace(record, observations=(*(o for o in record.observations if o.id != changed.id), changed))
    assert after.observations[1] is changed  # the record keeps its date order: the item stays second
    was, now = difference(record, after)
    assert was == {"observations": [dump(record)["observations"][1]]}
    assert now == {"observations": [dump(after)["observations"][1]], PLACES: {"observations": [1]}}
    assert now["observations"][0]["source"] == "corrected"
    assert apply(dump(record), was, now) == dump(after)


def test_a_back_dated_lab_is_put_in_its_place() -> None:
    record = load(EXAMPLE)
    early = dataclasses.replace(record.observations[0], id="o-early", date=record.observations[0].date)
    after = dataclasses.replace(record, observations=(*record.observations, early))
    place = [o.id for o in after.observations].index("o-early")
    assert place < len(record.observations)
    was, now = difference(record, after)
    assert (was, now[PLACES]) == ({}, {"observations": [place]})
    assert apply(dump(record), was, now) == dump(after)


def test_places_that_do_not_fit_are_refused() -> None:
    record = load(EXAMPLE)
    item = dump(record)["observations"][0]
    with pytest.raises(ValueError, match="do not fit"):
        apply(dump(record), {}, {"observations": [dict(item, id="o-x")], PLACES: {"observations": [99]}})


def test_no_change_is_an_empty_difference() -> None:
    record = load(EXAMPLE)
    assert difference(record, record) == ({}, {})
    assert apply(dump(record), {}, {}) == dump(record)
