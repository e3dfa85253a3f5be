"""The difference between two versions of a record, in case-file form, and applying it.

An audit row used to hold the whole record twice (before and after, as case
files): for a patient with a few hundred items that was most of the work of a
saved encounter, most of the bytes the database wrote, and all of it but the new
encounter repeated from the previous row. An edit's audit row now holds only the
parts it touched (docs/data-model.md, "audit_log"): :func:`difference` writes
them from the two records without writing the rest, and :func:`apply` rebuilds
the whole *after* case file from the whole *before* one, so the history can
still be read, shown and restored as whole records
(:meth:`remit.persistence.audit.AuditTrail.entries` does that).

A difference is two fragments of a case file, *before* and *after*, each with
only the changed parts:

* ``patient`` and ``follow_up``: present in both when they changed, whole (the
  ``follow_up`` of a record that has none is ``null``);
* an item section (``encounters``, ``observations``, ... and ``diary``, whose
  items are keyed by ``date``, the others by ``id``): *before* lists the items
  that were changed or removed, as they were; *after* lists the items that were
  changed or added, as they are, in record order. Applying it keeps the items of
  the section that neither fragment names, in their order, and appends the
  *after* items - or, when they do not all stand at the end (a record keeps its
  sections in date order, so a back-dated lab or an edited old visit does not),
  puts them at the indices that ``places`` (a key of the *after* fragment:
  section -> list of indices in the new section) gives. Where the items no edit
  touched changed their order, both fragments hold the whole section.

Both fragments are ordinary case-file fragments, so
:func:`remit.services.web_records.describe_difference` reads them like whole
records, and the JSON stays readable in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from remit.casefiles.writing import SECTION_WRITERS, write_follow_up, write_patient
from remit.core.record import PatientRecord

Fragment = dict[str, Any]

# The key of an *after* fragment that says where its items stand, per section, when not at the end.
PLACES = "places"


def key_of(section: str) -> str:
    """The field that identifies an item of ``section`` (``date`` for the diary, ``id`` for the others)."""
    return "date" if section == "diary" else "id"


def difference(before: PatientRecord, after: PatientRecord) -> tuple[Fragment, Fragment]:
    """The parts of ``after`` that differ from ``before``: (as they were, as they are).

    Only items that differ are written, so the cost follows the size of the edit, not of the
    record: a section whose items are the same objects compares by identity.
    """
    was: Fragment = {}
    now: Fragment = {}
    if before.patient != after.patient:
        was["patient"], now["patient"] = write_patient(before.patient), write_patient(after.patient)
    if before.follow_up != after.follow_up:
        was["follow_up"], now["follow_up"] = write_follow_up(before), write_follow_up(after)
    for section, write in SECTION_WRITERS.items():
        old, new = getattr(before, section), getattr(after, section)
        if old == new:
            continue
        removed, added, places = _changed_items(old, new, key_of(section))
        if removed:
            was[section] = [write(x) for x in removed]
        if added:
            now[section] = [write(x) for x in added]
        if places is not None:
            now.setdefault(PLACES, {})[section] = places
    return was, now


def apply(state: Mapping[str, Any], was: Mapping[str, Any], now: Mapping[str, Any]) -> Fragment:
    """The whole case file after the change (``was``, ``now``) made to the whole case file ``state``.

    ``state`` is not modified; the result shares the unchanged items with it (treat both as
    read-only). ``apply(dump(a), *difference(a, b)) == dump(b)`` for any two records of one patient.
    """
    result = dict(state)
    for part in ("patient", "follow_up"):
        if part in now:
            result[part] = now[part]
            if now[part] is None:
                del result[part]
    for section in SECTION_WRITERS:
        if section not in was and section not in now:
            continue
        key = key_of(section)
        touched = {x[key] for x in was.get(section, ())} | {x[key] for x in now.get(section, ())}
        kept = [x for x in result.get(section, ()) if x[key] not in touched]
        items = _placed(kept, list(now.get(section, ())), now.get(PLACES, {}).get(section))
        if items:
            result[section] = items
        else:
            result.pop(section, None)
    return {name: result[name] for name in _FILE_ORDER if name in result} | {
        name: value for name, value in result.items() if name not in _FILE_ORDER
    }


_FILE_ORDER = ("format", "patient", "follow_up", *SECTION_WRITERS)


def _placed(kept: list[Any], added: list[Any], places: Sequence[int] | None) -> list[Any]:
    """``kept`` with ``added`` put at ``places`` of the result (appended when None)."""
    if places is None:
        return kept + added
    size = len(kept) + len(added)
    if len(places) != len(added) or sorted(set(places)) != list(places) or (places and not 0 <= places[-1] < size):
        raise ValueError(f"the places {list(places)} do not fit {len(added)} items into a section of {size}")
    result: list[Any] = []
    rest = iter(kept)
    at = dict(zip(places, added, strict=True))
    for i in range(size):
        result.append(at[i] if i in at else next(rest))
    return result


def _changed_items(
    old: Sequence[Any], new: Sequence[Any], key: str
) -> tuple[Sequence[Any], Sequence[Any], list[int] | None]:
    """The items of a section as they were (changed or removed) and as they are (changed or added),
    and where the latter stand in ``new`` (None when at its end), such that the rest of ``old``
    in order, with the latter put at those places, is ``new``."""
    old_keys = [getattr(x, key) for x in old]
    new_keys = [getattr(x, key) for x in new]
    if len(set(old_keys)) != len(old_keys) or len(set(new_keys)) != len(new_keys):
        return old, new, None  # keys are unique in a valid record; whole sections are right either way
    if tuple(new[: len(old)]) == tuple(old):  # only grew at the end: the common edit
        return (), new[len(old) :], None
    old_by_key = dict(zip(old_keys, old, strict=True))
    unchanged = {k for k, x in zip(new_keys, new, strict=True) if k in old_by_key and _same(old_by_key[k], x)}
    if [k for k in old_keys if k in unchanged] != [k for k in new_keys if k in unchanged]:
        return old, new, None  # the unchanged items were reordered: whole sections, both sides
    places = [i for i, k in enumerate(new_keys) if k not in unchanged]
    at_end = places == list(range(len(unchanged), len(new)))
    return (
        [x for k, x in zip(old_keys, old, strict=True) if k not in unchanged],
        [new[i] for i in places],
        None if at_end else places,
    )


def _same(a: Any, b: Any) -> bool:
    return a is b or bool(a == b)
