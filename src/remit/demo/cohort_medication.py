"""Medication courses of one demo-cohort patient.

Doses follow ``../shared/reference/drugs.md``: anakinra 2 mg/kg/day (100 mg/day
above 50 kg, as the paper says), doubled to 4 mg/kg/day where the role escalates
it; methylprednisolone pulses 30 mg/kg/day (max 1 g) x 3 then 2 mg/kg/day (max
60 mg) tapered; ciclosporin 5 mg/kg/day in two doses; methotrexate 15 mg/m2
weekly; colchicine by age (EULAR 2016: <5 y 0.5 mg, 5-10 y 1 mg, >10 y 1.5 mg,
raised by 0.5 mg for resistance); canakinumab and tocilizumab by weight and
indication. Prior treatments reproduce Table 1: colchicine for every SAID,
methylprednisolone for every sJIA, methotrexate and ciclosporin as the role says.
"""

from __future__ import annotations

from typing import Any

from remit.demo.cohort_plan import Plan
from remit.demo.draw import Draw

Course = dict[str, Any]

# Oral methylprednisolone steps after the pulses: (day, mg/kg/day); the course stops on the last day.
_TAPER = ((14, 1.0), (35, 0.5))
_TAPERS: dict[str, tuple[tuple[tuple[int, float], ...], int | None]] = {
    "sjia-arthritis-nonresponder": (((14, 1.0), (35, 0.5), (60, 0.25)), 90),
    "sjia-refractory-mas": ((), None),  # until death
    "sjia-steroid-dependent": (((14, 1.0), (35, 0.5), (110, 0.25), (131, 1.0), (160, 0.5), (220, 0.25)), 250),
    "sjia-late-flare": (((14, 1.0), (35, 0.5), (56, 0.25), (291, 1.0), (330, 0.5)), 380),
    "sjia-arthritis-partial": (((14, 1.0), (35, 0.5), (90, 0.25)), 120),
}


def courses(plan: Plan, draw: Draw, *, diagnosed: int, mas_start: int) -> list[Course]:
    role = plan.role
    found = [_anakinra(plan)]
    if role.switch is not None:
        found.append(_switched(plan))
    if role.group == "sjia":
        found.extend(_sjia_courses(plan, draw, diagnosed, mas_start))
    else:
        found.extend(_said_courses(plan, diagnosed))
    return sorted(found, key=lambda c: (c["start"], c["id"]))


def _per_kg(amount: float, weight: float, cap_mg: float) -> tuple[float, str]:
    """A once-daily ``amount`` mg/kg/day, or the cap (mg or g per dose) when the
    weight-based dose would exceed it."""
    if amount * weight > cap_mg:
        return (cap_mg / 1000, "g") if cap_mg >= 1000 else (cap_mg, "mg")
    return amount, "mg/kg/day"


def _anakinra(plan: Plan) -> Course:
    role = plan.role
    heavy = plan.weight(0) > 50
    first = (
        {"amount": 100, "unit": "mg", "text": "100 mg/day (maximum daily dose above 50 kg)"}
        if heavy
        else {"amount": 2, "unit": "mg/kg", "text": "2 mg/kg/day"}
    )
    doses = [
        {
            "start": plan.day(0),
            "amount": first["amount"],
            "unit": first["unit"],
            "frequency": "daily",
            "text": first["text"],
        }
    ]
    if role.escalation is not None:
        doses.append(
            {
                "start": plan.day(role.escalation),
                "amount": 4,
                "unit": "mg/kg",
                "frequency": "daily",
                "text": "increased to 4 mg/kg/day",
            }
        )
    stop = role.switch.day if role.switch is not None else role.remission_stop
    if role.widening is not None and (stop is None or role.widening < stop):
        doses.append(
            {
                "start": plan.day(role.widening),
                "amount": first["amount"],
                "unit": first["unit"],
                "frequency": "every other day",
                "text": "interval widened to every other day",
            }
        )
    course: Course = {
        "id": "m-anakinra",
        "drug": "anakinra",
        "route": "subcutaneous",
        "indication": role.condition,
        "start": plan.day(0),
        "stop": plan.day(stop) if stop is not None else None,
    }
    if role.switch is not None:
        course |= {"stop_reason": role.switch.reason, "switched_to": role.switch.drug}
    elif role.remission_stop is not None:
        course["stop_reason"] = "remission"
    course["doses"] = doses
    if role.key == "sjia-steroid-dependent":
        course["note"] = (
            "switched for inefficacy: inactive disease only while on methylprednisolone "
            ">= 0.5 mg/kg/day after two failed tapers (steroid dependence)"
        )
    return course


def _switched(plan: Plan) -> Course:
    role = plan.role
    if role.switch is None:
        raise ValueError("no switch")
    first = role.switch.day + 1
    weight = plan.weight(first)
    if role.switch.drug == "tocilizumab":
        amount = 12 if weight < 30 else 8
        dose = {
            "start": plan.day(first),
            "amount": amount,
            "unit": "mg/kg",
            "frequency": "every 2 weeks",
            "text": f"{amount} mg/kg every 2 weeks ({'<' if weight < 30 else '>='}30 kg)",
        }
        route = "intravenous"
    else:
        every = "every 8 weeks" if role.condition == "caps" else "every 4 weeks"
        per_kg = 4 if role.condition == "recurrent_pericarditis" else 2
        if weight > 40:
            dose = {
                "start": plan.day(first),
                "amount": 150,
                "unit": "mg",
                "frequency": every,
                "text": f"150 mg {every} (>40 kg)",
            }
        else:
            dose = {
                "start": plan.day(first),
                "amount": per_kg,
                "unit": "mg/kg",
                "frequency": every,
                "text": f"{per_kg} mg/kg {every}",
            }
        route = "subcutaneous"
    end = plan.day(role.death) if role.death is not None else None
    return {
        "id": f"m-{role.switch.drug}",
        "drug": role.switch.drug,
        "route": route,
        "indication": role.condition,
        "start": plan.day(first),
        "stop": end,
        "doses": [dose],
    }


def _sjia_courses(plan: Plan, draw: Draw, diagnosed: int, mas_start: int) -> list[Course]:
    role = plan.role
    weight = plan.weight(mas_start)
    pulse_amount, pulse_unit = _per_kg(30, weight, 1000)
    found: list[Course] = [
        {
            "id": "m-methylprednisolone-pulse",
            "drug": "methylprednisolone",
            "route": "intravenous",
            "indication": "mas",
            "start": plan.day(mas_start),
            "stop": plan.day(mas_start + 2),
            "stop_reason": "completed",
            "doses": [
                {
                    "start": plan.day(mas_start),
                    "amount": pulse_amount,
                    "unit": pulse_unit,
                    "frequency": "daily",
                    "count": 3,
                    "text": "30 mg/kg/day (maximum 1 g) for 3 days",
                }
            ],
        }
    ]
    steps, stop = _TAPERS.get(role.key, (_TAPER, 56))
    if role.death is not None:
        stop = role.death
    oral_start = mas_start + 3
    amount, unit = _per_kg(2, weight, 60)
    doses = [
        {
            "start": plan.day(oral_start),
            "amount": amount,
            "unit": unit,
            "frequency": "daily",
            "text": "2 mg/kg/day (maximum 60 mg)",
        }
    ]
    for day, per_kg in steps:
        step_amount, step_unit = _per_kg(per_kg, plan.weight(day), 60)
        doses.append(
            {
                "start": plan.day(day),
                "amount": step_amount,
                "unit": step_unit,
                "frequency": "daily",
                "text": f"{per_kg:g} mg/kg/day",
            }
        )
    found.append(
        {
            "id": "m-methylprednisolone",
            "drug": "methylprednisolone",
            "route": "oral",
            "indication": "sjia",
            "start": plan.day(oral_start),
            "stop": plan.day(stop) if stop is not None else None,
            "stop_reason": "completed" if role.death is None else None,
            "doses": doses,
        }
    )
    if "ciclosporin" in role.priors:
        end = role.death if role.death is not None else draw.integer(35, 56)
        found.append(
            {
                "id": "m-ciclosporin",
                "drug": "ciclosporin",
                "route": "oral",
                "indication": "mas",
                "start": plan.day(mas_start + 1),
                "stop": plan.day(end),
                "stop_reason": "completed" if role.death is None else None,
                "doses": [
                    {
                        "start": plan.day(mas_start + 1),
                        "amount": 5,
                        "unit": "mg/kg/day",
                        "frequency": "every 12 h",
                        "text": "5 mg/kg/day in two doses",
                    }
                ],
            }
        )
    if "methotrexate" in role.priors:
        first = diagnosed + 30
        stop_mtx = 90 if role.key in ("sjia-steroid-dependent", "sjia-late-flare") else None
        found.append(
            {
                "id": "m-methotrexate",
                "drug": "methotrexate",
                "route": "subcutaneous",
                "indication": "sjia",
                "start": plan.day(first),
                "stop": plan.day(stop_mtx) if stop_mtx is not None else None,
                "stop_reason": "completed" if stop_mtx is not None else None,
                "doses": [
                    {
                        "start": plan.day(first),
                        "amount": 15,
                        "unit": "mg/m2",
                        "frequency": "weekly",
                        "text": "15 mg/m2 weekly",
                    }
                ],
            }
        )
    return found


def _said_courses(plan: Plan, diagnosed: int) -> list[Course]:
    role = plan.role
    age = plan.age(diagnosed)
    dose = 0.5 if age < 5 else 1.0 if age <= 10 else 1.5
    doses = [
        {"start": plan.day(diagnosed), "amount": dose, "unit": "mg", "frequency": "daily", "text": f"{dose:g} mg/day"}
    ]
    if role.condition == "fmf" and diagnosed + 365 < -30:
        doses.append(
            {
                "start": plan.day(diagnosed + 365),
                "amount": min(dose + 0.5, 2.0),
                "unit": "mg",
                "frequency": "daily",
                "text": "increased for attacks despite colchicine",
            }
        )
    keeps = role.condition in ("fmf", "recurrent_pericarditis")
    found: list[Course] = [
        {
            "id": "m-colchicine",
            "drug": "colchicine",
            "route": "oral",
            "indication": role.condition,
            "start": plan.day(diagnosed),
            "stop": None if keeps else plan.day(-1),
            "stop_reason": None if keeps else "inefficacy",
            "doses": doses,
        }
    ]
    if role.condition == "recurrent_pericarditis":
        found.append(
            {
                "id": "m-ibuprofen",
                "drug": "ibuprofen",
                "route": "oral",
                "indication": role.condition,
                "start": plan.day(diagnosed),
                "stop": plan.day(30),
                "stop_reason": "completed",
                "doses": [
                    {
                        "start": plan.day(diagnosed),
                        "amount": 10,
                        "unit": "mg/kg",
                        "frequency": "every 8 h",
                        "text": "10 mg/kg every 8 h",
                    }
                ],
            }
        )
    return found
