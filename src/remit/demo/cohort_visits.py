"""The values recorded at one assessment visit of the demo cohort, from its designed state.

A visit's *state* is what the design says the patient looked like that day:
``baseline`` (active disease at the anakinra start), ``complete`` (inactive
disease), ``partial``, ``non`` (no response), ``flare`` (an sJIA flare),
``last`` (the final visit). Values the paper constrains (Table 2) are passed in
as ``fixed``; everything else is drawn within ranges that make the state true
under the outcome rules of ``docs/demo-data.md``: a ``complete`` visit has CRP
and ESR inside the assumed reference ranges and a physician global of 0; an
sJIA ``partial`` visit has a JADAS10 below half the baseline JADAS10, a ``non``
visit one at or above half.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from remit.demo.cohort_design import Role
from remit.demo.draw import Draw

UNITS: dict[str, str | None] = {
    "crp": "mg/L",
    "esr": "mm/h",
    "ferritin": "ng/mL",
    "platelets": "/mm3",
    "wbc": "/mm3",
    "haemoglobin": "g/dL",
    "ast": "U/L",
    "triglycerides": "mg/dL",
    "fibrinogen": "mg/dL",
}
SJIA_FINDINGS = (
    "fever",
    "evanescent_rash",
    "serositis",
    "splenomegaly",
    "generalised_lymphadenopathy",
    "uveitis",
    "arthritis",
)


@dataclass(slots=True)
class Assessment:
    """Numbers in recording units: CRP mg/L, platelets in thousands/mm3, WBC in
    thousands/mm3, haemoglobin g/dL, ferritin ng/mL."""

    labs: dict[str, float]
    physician: int
    patient: int
    joints: int | None = None  # sJIA only
    stiffness: int | None = None  # minutes, sJIA only
    findings: dict[str, bool] = field(default_factory=dict)  # sJIA only

    def jadas10(self) -> float:
        esr = min(max(self.labs["esr"], 20.0), 120.0)
        return self.physician + self.patient + min(self.joints or 0, 10) + (esr - 20.0) / 10.0


def text(analyte: str, value: float) -> str:
    """A value as the laboratory would print it in the cohort's units."""
    if analyte == "platelets":
        return str(round(value) * 1000)
    if analyte == "wbc":
        return str(round(value * 10) * 100)
    if analyte in ("crp", "haemoglobin"):
        return f"{value:.1f}"
    return str(round(value))


def assess(
    draw: Draw,
    role: Role,
    state: str,
    *,
    baseline: Assessment | None = None,
    fixed: Mapping[str, float] | None = None,
    globals_: tuple[int, int] | None = None,
) -> Assessment:
    fixed = dict(fixed or {})
    sjia = role.group == "sjia"
    if state == "baseline":
        made = _baseline(draw, role, fixed, globals_)
    elif state == "last":
        made = _last(draw, role, globals_)
    elif state == "complete":
        made = _complete(draw, sjia)
    elif state == "partial":
        made = _partial_sjia(draw, baseline, fixed) if sjia else _partial_said(draw)
    elif state == "non":
        made = _non(draw, role)
    elif state == "flare":
        made = _flare(draw, role)
    else:
        raise ValueError(f"unknown visit state {state!r}")
    made.labs.update(fixed)
    if sjia and baseline is not None and state in ("partial", "non"):
        _check_jadas(made, baseline, state)
    return made


def _baseline(draw: Draw, role: Role, fixed: dict[str, float], globals_: tuple[int, int] | None) -> Assessment:
    if globals_ is None:
        raise ValueError("baseline globals are designed at cohort level")
    labs = dict(fixed)
    if role.group == "sjia":
        labs |= {
            "wbc": round(draw.uniform(3.8, 13.5), 1),
            "haemoglobin": round(draw.uniform(8.2, 11.0), 1),
            "ast": draw.integer(60, 420),
            "triglycerides": draw.integer(170, 420),
            "fibrinogen": draw.integer(110, 340),
        }
        if role.death is not None:  # the refractory MAS: deeper cytopenias and consumption
            labs |= {"wbc": round(draw.uniform(2.2, 3.6), 1), "fibrinogen": draw.integer(90, 140)}
        joints = draw.integer(3, 7) if role.arthritis else 0
        findings = {
            "fever": True,
            "evanescent_rash": draw.chance(0.75),
            "serositis": draw.chance(0.3),
            "splenomegaly": draw.chance(0.55),
            "generalised_lymphadenopathy": draw.chance(0.45),
            "uveitis": False,
            "arthritis": role.arthritis,
        }
        if role.death is not None:
            findings |= {"splenomegaly": True, "generalised_lymphadenopathy": True}
        stiffness = 5 * draw.integer(9, 18) if role.arthritis else 5 * draw.integer(0, 2)
        return Assessment(labs, *globals_, joints=joints, stiffness=stiffness, findings=findings)
    labs |= {
        "ferritin": draw.integer(60, 380),
        "wbc": round(draw.uniform(9.5, 18.5), 1),
        "haemoglobin": round(draw.uniform(9.6, 12.4), 1),
    }
    return Assessment(labs, *globals_)


def _complete(draw: Draw, sjia: bool) -> Assessment:
    labs = {
        "crp": round(draw.uniform(0.3, 4.8), 1),
        "esr": draw.integer(3, 18),
        "ferritin": draw.integer(18, 150),
        "platelets": draw.integer(210, 420),
        "wbc": round(draw.uniform(5.0, 10.8), 1),
        "haemoglobin": round(draw.uniform(11.2, 13.6), 1),
    }
    patient = draw.integer(0, 1)
    if not sjia:
        return Assessment(labs, 0, patient)
    return Assessment(
        labs, 0, patient, joints=0, stiffness=5 * draw.integer(0, 2), findings=dict.fromkeys(SJIA_FINDINGS, False)
    )


def _partial_said(draw: Draw) -> Assessment:
    labs = {
        "crp": round(draw.uniform(3.0, 20.0), 1),
        "esr": draw.integer(10, 30),
        "ferritin": draw.integer(40, 200),
        "platelets": draw.integer(250, 450),
        "wbc": round(draw.uniform(7.0, 13.0), 1),
        "haemoglobin": round(draw.uniform(10.5, 12.5), 1),
    }
    return Assessment(labs, draw.integer(1, 3), draw.integer(1, 3))


def _partial_sjia(draw: Draw, baseline: Assessment | None, fixed: Mapping[str, float]) -> Assessment:
    if baseline is None:
        raise ValueError("an sJIA partial response is judged against the baseline visit")
    labs = {
        "crp": round(draw.uniform(6.0, 22.0), 1),
        "esr": draw.integer(21, 34),
        "ferritin": draw.integer(150, 500),
        "platelets": draw.integer(300, 480),
        "wbc": round(draw.uniform(8.0, 13.0), 1),
        "haemoglobin": round(draw.uniform(10.3, 11.8), 1),
    } | dict(fixed)
    made = Assessment(
        labs,
        draw.integer(2, 3),
        draw.integer(2, 3),
        joints=draw.integer(1, 2),
        stiffness=5 * draw.integer(3, 6),
        findings=dict.fromkeys(SJIA_FINDINGS, False),
    )
    made.findings["arthritis"] = True
    # Bring JADAS10 strictly below half of baseline: ESR first, then the globals.
    for lower in ("esr", "patient", "physician", "joints"):
        while made.jadas10() >= 0.5 * baseline.jadas10():
            if lower == "esr" and "esr" not in fixed and made.labs["esr"] > 20:
                made.labs["esr"] = 20
            elif lower == "patient" and made.patient > 1:
                made.patient -= 1
            elif lower == "physician" and made.physician > 1:
                made.physician -= 1
            elif lower == "joints" and (made.joints or 0) > 1:
                made.joints = (made.joints or 0) - 1
            else:
                break
    return made


def _non(draw: Draw, role: Role) -> Assessment:
    if role.death is not None:
        labs = {
            "crp": round(draw.uniform(55.0, 95.0), 1),
            "esr": draw.integer(18, 30),
            "ferritin": draw.integer(7000, 9500),
            "platelets": draw.integer(45, 95),
            "wbc": round(draw.uniform(1.8, 3.5), 1),
            "haemoglobin": round(draw.uniform(7.2, 8.5), 1),
            "ast": draw.integer(250, 700),
            "triglycerides": draw.integer(280, 500),
            "fibrinogen": draw.integer(80, 140),
        }
        findings = dict.fromkeys(SJIA_FINDINGS, False) | {
            "fever": True,
            "splenomegaly": True,
            "generalised_lymphadenopathy": True,
        }
        return Assessment(labs, 9, 9, joints=0, stiffness=0, findings=findings)
    labs = {
        "crp": round(draw.uniform(18.0, 35.0), 1),
        "esr": draw.integer(36, 46),
        "ferritin": draw.integer(400, 900),
        "platelets": draw.integer(380, 520),
        "wbc": round(draw.uniform(11.0, 15.0), 1),
        "haemoglobin": round(draw.uniform(9.8, 11.0), 1),
    }
    findings = dict.fromkeys(SJIA_FINDINGS, False) | {"arthritis": True}
    return Assessment(labs, 7, 8, joints=draw.integer(5, 6), stiffness=60, findings=findings)


def _flare(draw: Draw, role: Role) -> Assessment:
    findings = dict.fromkeys(SJIA_FINDINGS, False)
    if role.arthritis or role.widening is not None:  # an articular flare
        labs = {"crp": round(draw.uniform(12.0, 28.0), 1), "esr": draw.integer(26, 36)}
        joints = draw.integer(2, 3)
        findings["arthritis"] = True
    else:  # a systemic flare
        labs = {"crp": round(draw.uniform(30.0, 60.0), 1), "esr": draw.integer(24, 34)}
        joints = 0
        findings |= {"fever": True, "evanescent_rash": True}
    labs |= {
        "ferritin": draw.integer(300, 900),
        "platelets": draw.integer(350, 520),
        "wbc": round(draw.uniform(11.0, 16.0), 1),
        "haemoglobin": round(draw.uniform(10.2, 11.5), 1),
    }
    return Assessment(labs, 4, draw.integer(4, 5), joints=joints, stiffness=5 * draw.integer(3, 8), findings=findings)


def _last(draw: Draw, role: Role, globals_: tuple[int, int] | None) -> Assessment:
    if globals_ is None:
        raise ValueError("last-visit globals are designed per role")
    sjia = role.group == "sjia"
    if role.visit12 == "partial":
        made = _partial_said(draw) if not sjia else _complete(draw, sjia)
        if sjia:  # on tocilizumab: markers normal, one joint still active
            made.joints = 1
            made.findings["arthritis"] = True
    else:
        made = _complete(draw, sjia)
    made.physician, made.patient = globals_
    return made


def _check_jadas(made: Assessment, baseline: Assessment, state: str) -> None:
    ratio = made.jadas10() / baseline.jadas10()
    if (state == "partial") != (ratio < 0.5):
        raise ValueError(
            f"a {state} visit needs JADAS10 {'<' if state == 'partial' else '>='} half of baseline; "
            f"got {made.jadas10():.1f} vs {baseline.jadas10():.1f}"
        )
