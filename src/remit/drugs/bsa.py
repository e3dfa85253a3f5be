"""Body-surface area for m²-based doses (methotrexate, etoposide, dexamethasone,
cyclophosphamide).

Mosteller is the default because it is the simplest formula and agrees with the
others within about 2-3 % over the paediatric range (see the reference's test
values, drugs.md §1.8); the formula used is always reported with the result so a
protocol that prescribes another (Haycock in infants, for example) can be
followed. H in cm, W in kg, BSA in m².
"""

from __future__ import annotations

import enum
import math

from remit.errors import ImplausibleValueError


class BsaFormula(enum.Enum):
    MOSTELLER = "mosteller"  # √(H × W / 3600); N Engl J Med 1987;317:1098
    HAYCOCK = "haycock"  # 0.024265 × H^0.3964 × W^0.5378; J Pediatr 1978;93:62
    DUBOIS = "dubois"  # 0.007184 × H^0.725 × W^0.425; Arch Intern Med 1916;17:863
    GEHAN_GEORGE = "gehan_george"  # 0.0235 × H^0.42246 × W^0.51456; Cancer Chemother Rep 1970;54:225

    @property
    def citation(self) -> str:
        return _CITATIONS[self]


_CITATIONS = {
    BsaFormula.MOSTELLER: "Mosteller, N Engl J Med 1987;317:1098",
    BsaFormula.HAYCOCK: "Haycock, J Pediatr 1978;93:62",
    BsaFormula.DUBOIS: "DuBois & DuBois, Arch Intern Med 1916;17:863",
    BsaFormula.GEHAN_GEORGE: "Gehan & George, Cancer Chemother Rep 1970;54:225",
}


def body_surface_area(weight_kg: float, height_cm: float, formula: BsaFormula = BsaFormula.MOSTELLER) -> float:
    """BSA in m² (equations as given in drugs.md §1.8 [V:25])."""
    for name, value in (("weight_kg", weight_kg), ("height_cm", height_cm)):
        if not math.isfinite(value) or value <= 0:
            raise ImplausibleValueError(f"{value!r} is not a positive body measurement", field=name)
    h, w = height_cm, weight_kg
    if formula is BsaFormula.MOSTELLER:
        return math.sqrt(h * w / 3600)
    if formula is BsaFormula.HAYCOCK:
        return float(0.024265 * h**0.3964 * w**0.5378)
    if formula is BsaFormula.DUBOIS:
        return float(0.007184 * h**0.725 * w**0.425)
    return float(0.0235 * h**0.42246 * w**0.51456)
