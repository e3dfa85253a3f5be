"""Fever attacks (pericarditis recurrences for IRP) and the AIDAI diary of the demo cohort.

Each disease has a typical attack: how long it lasts, how far apart attacks
are, which AIDAI diary items and which findings go with it. Attacks before
baseline are placed so that the diary of the 30 days before baseline adds up to
the AIDAI the cohort needs for that patient (Table 2), with the attack under way
at baseline among them: anakinra was started during an attack, which is why
baseline CRP is high.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from remit.core.record import AIDAI_ITEMS
from remit.demo.cohort_design import DIARY_DAYS, WINDOW_DAYS, Attack
from remit.demo.draw import Draw


@dataclass(frozen=True, slots=True)
class Disease:
    episode_kind: str
    days: tuple[int, int]  # usual duration of an attack
    gap: int  # fewest symptom-free days between two attacks
    items: tuple[str, ...]  # AIDAI items of an attack day, most frequent first
    features: tuple[str, ...]  # finding ids seen in attacks
    temperature: tuple[float, float]  # maximum temperature of an attack, Cel
    onset_lead: tuple[int, int]  # days the baseline attack had run before anakinra


DISEASES: dict[str, Disease] = {
    "fmf": Disease(
        "fever_attack",
        (1, 3),
        8,
        ("fever", "abdominal_pain", "overall_symptoms", "nausea_vomiting", "arthralgia_myalgia", "chest_pain"),
        ("abdominal_pain", "chest_pain", "arthralgia"),
        (38.5, 40.0),
        (1, 2),
    ),
    "mkd": Disease(
        "fever_attack",
        (3, 6),
        12,
        (
            "fever",
            "overall_symptoms",
            "abdominal_pain",
            "painful_lymph_nodes",
            "diarrhoea",
            "nausea_vomiting",
            "skin_rash",
            "arthralgia_myalgia",
            "headaches",
        ),
        ("abdominal_pain", "cervical_lymphadenitis", "gastrointestinal_symptoms", "aphthous_stomatitis", "arthralgia"),
        (39.0, 40.5),
        (1, 2),
    ),
    "caps": Disease(
        "fever_attack",
        (1, 2),
        5,
        (
            "fever",
            "skin_rash",
            "overall_symptoms",
            "eye_manifestations",
            "arthralgia_myalgia",
            "headaches",
            "joint_swelling",
        ),
        ("urticarial_rash", "red_eye", "arthralgia"),
        (38.0, 39.2),
        (1, 2),
    ),
    "recurrent_pericarditis": Disease(
        "pericarditis",
        (6, 10),
        28,
        ("chest_pain", "overall_symptoms", "fever"),
        ("chest_pain", "pericardial_rub", "pericardial_effusion"),
        (38.0, 38.9),
        (2, 5),
    ),
    "naps12": Disease(
        "fever_attack",
        (2, 4),
        8,
        ("fever", "skin_rash", "arthralgia_myalgia", "abdominal_pain", "headaches", "overall_symptoms"),
        ("urticarial_rash", "arthralgia", "myalgia", "abdominal_pain"),
        (38.5, 40.0),
        (1, 2),
    ),
    "unclassified_said": Disease(
        "fever_attack",
        (3, 5),
        10,
        ("fever", "overall_symptoms", "skin_rash", "arthralgia_myalgia", "abdominal_pain"),
        ("arthralgia", "abdominal_pain", "myalgia"),
        (38.5, 40.0),
        (1, 2),
    ),
}

_SYMPTOM_ITEMS = ("arthralgia_myalgia", "headaches", "abdominal_pain", "overall_symptoms")


@dataclass(frozen=True, slots=True)
class PlacedAttack:
    """An attack on days ``first..last`` (relative to the anakinra start)."""

    first: int
    last: int
    items: tuple[int, ...]  # AIDAI items answered yes per day, first..last (0 where not in a diary)
    features: tuple[str, ...]
    temperature: float


def aidai_bounds(condition: str) -> tuple[int, int]:
    """The baseline AIDAI totals that attacks of this disease can produce in 30 days."""
    disease = DISEASES[condition]
    if disease.episode_kind == "pericarditis":
        return (4, disease.onset_lead[1] * len(disease.items))
    return (3, 36)


def before_baseline(draw: Draw, condition: str, count: int, aidai: int, fever_days: int) -> list[PlacedAttack]:
    """``count`` attacks in the 91 days before baseline, the last one under way at
    baseline and ending ``fever_days - 1`` days after it, whose days in the 30-day
    diary window carry exactly ``aidai`` item-days."""
    disease = DISEASES[condition]
    for _ in range(2000):
        lead = draw.integer(*disease.onset_lead)
        starts = [-lead]
        durations = [lead + _ongoing_tail(disease, fever_days, draw)]
        cursor = -lead
        for _ in range(count - 1):
            length = draw.integer(*disease.days)
            last = cursor - disease.gap - draw.integer(0, 30) - 1
            first = last - length + 1
            starts.append(first)
            durations.append(length)
            cursor = first
        if starts[-1] < -WINDOW_DAYS:
            continue
        in_window = [
            sum(1 for d in range(s, s + n) if -DIARY_DAYS <= d <= -1) for s, n in zip(starts, durations, strict=True)
        ]
        days = sum(in_window)
        if not days <= aidai <= days * len(disease.items):
            continue
        per_day = _spread(aidai, days)
        placed: list[PlacedAttack] = []
        taken = 0
        for s, n in zip(reversed(starts), reversed(durations), strict=True):
            items = []
            for d in range(s, s + n):
                if -DIARY_DAYS <= d <= -1:
                    items.append(per_day[taken])
                    taken += 1
                else:
                    items.append(0)
            placed.append(_placed(draw, disease, s, s + n - 1, tuple(items)))
        return placed
    raise ValueError(f"cannot place {count} {condition} attacks with an AIDAI of {aidai}")


def _ongoing_tail(disease: Disease, fever_days: int, draw: Draw) -> int:
    """Days of the baseline attack from the anakinra start on (day 0 included)."""
    if disease.episode_kind == "pericarditis":  # chest pain outlasts the fever
        return max(fever_days, draw.integer(4, 6))
    return fever_days


def after_baseline(draw: Draw, condition: str, attacks: Sequence[Attack]) -> list[PlacedAttack]:
    """The designed attacks of the follow-up, with drawn durations where not designed."""
    disease = DISEASES[condition]
    placed = []
    for attack in attacks:
        length = attack.days if attack.days is not None else draw.integer(*disease.days)
        items = attack.items or tuple(draw.integer(2, min(4, len(disease.items))) for _ in range(length))
        placed.append(_placed(draw, disease, attack.day, attack.day + length - 1, items))
    return placed


def _placed(draw: Draw, disease: Disease, first: int, last: int, items: tuple[int, ...]) -> PlacedAttack:
    count = draw.integer(1, min(3, len(disease.features)))
    chosen = set(draw.shuffled(disease.features)[:count])
    features = tuple(f for f in disease.features if f in chosen)
    temperature = round(draw.uniform(*disease.temperature), 1)
    return PlacedAttack(first, last, items, features, temperature)


def _spread(total: int, days: int) -> list[int]:
    base, extra = divmod(total, days)
    return [base + (1 if k < extra else 0) for k in range(days)]


def diary(
    draw: Draw,
    condition: str,
    attacks: Sequence[PlacedAttack],
    assessment: int,
    symptom_days: int = 0,
) -> list[tuple[int, tuple[str, ...], bool]]:
    """The 30 diary days before ``assessment``: (day, items answered yes, pain relief).

    Attack days carry their designed item counts (the disease's items, most
    frequent first); ``symptom_days`` quiet days carry one non-fever item each.
    Every item of every day is answered, so an empty tuple means "all no".
    """
    disease = DISEASES[condition]
    window = range(assessment - DIARY_DAYS, assessment)
    counts: dict[int, int] = {}
    for attack in attacks:
        for k, day in enumerate(range(attack.first, attack.last + 1)):
            if day in window and attack.items[k] > 0:
                counts[day] = attack.items[k]
    quiet = [d for d in window if d not in counts and all(not a.first <= d <= a.last for a in attacks)]
    if symptom_days > len(quiet):
        raise ValueError("more symptom days than quiet days in the diary window")
    symptoms = {d: (draw.choice(_SYMPTOM_ITEMS),) for d in sorted(draw.shuffled(quiet)[:symptom_days])}
    rows = []
    for day in window:
        if day in counts:
            rows.append((day, disease.items[: counts[day]], True))
        else:
            rows.append((day, symptoms.get(day, ()), False))
    return rows


def diary_entry(day_date: object, items: tuple[str, ...], pain_relief: bool) -> dict[str, object]:
    """One diary row as the case file writes it: every item answered."""
    entry: dict[str, object] = {"date": day_date}
    for item in AIDAI_ITEMS:
        entry[item] = item in items
    entry["pain_relief"] = pain_relief
    return entry
