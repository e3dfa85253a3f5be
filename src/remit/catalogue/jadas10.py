"""Juvenile Arthritis Disease Activity Score, 10-joint version (JADAS10;
criteria.md §10).

JADAS10 = physician global (0-10) + parent/patient global (0-10) + active
joint count capped at 10 + normalised ESR, range 0-40. The ESR is normalised
as (ESR − 20)/10 after setting ESR < 20 mm/h to 20 and ESR > 120 mm/h to 120,
so it contributes 0-10.

The status is "inactive disease" by the Consolaro 2012 cut-off JADAS10 ≤ 1;
the activity bands use the "poly" column (extended oligoarthritis,
polyarthritis and systemic arthritis): inactive ≤ 1 and low ≤ 3.8
(Consolaro 2012), high > 10.5 (Consolaro 2014), moderate in between.

Windows are remit's choice: the global assessments and the joint count are
those recorded on the visit day (the index date); the ESR is the latest value
within the 7 days up to it. An unrecorded item counts as its whole range
(globals 0-10, joint count 0-71, ESR 0-200 mm/h), so the score is reported as
bounds and the status is indeterminate only if the bounds straddle the cut-off.

The builders below are shared with ``jadas27``, ``jadas71``, ``cjadas10`` and
``sjadas``.
"""

from remit.rules import ast
from remit.rules import builders as b

VISIT_DAYS = 0
LAB_DAYS = 7
INACTIVE_MAX = 1.0

CONSOLARO_2012 = "Consolaro A, et al. Arthritis Rheum 2012;64:2366 (doi:10.1002/art.34373)"
CONSOLARO_2014_ARD = "Consolaro A, et al. Ann Rheum Dis 2014;73:1380 (doi:10.1136/annrheumdis-2013-204186)"
JADAS_2009 = (
    "Consolaro A, Ruperto N, Bazso A, et al. Development and validation of a composite disease activity "
    "score for juvenile idiopathic arthritis. Arthritis Rheum 2009;61(5):658-666"
)
JADAS_DOI = "10.1002/art.24516"

COMMON_CAVEATS = (
    "The JADAS cut-offs are for non-systemic JIA (criteria.md §10); remit applies the 'poly' column "
    "(extended oligo-, poly- and systemic arthritis) to sJIA here. For sJIA activity prefer sJADAS (sjadas).",
    f"Windows are remit's choice: global assessments and active joint count on the visit day; ESR the latest "
    f"value within {LAB_DAYS} days up to it.",
    "An unrecorded item counts as its whole range (globals 0-10, joint count 0-71, ESR 0-200 mm/h): the score "
    "is then reported as bounds.",
    "Cut-off sets disagree between publications ([CONFLICT] in criteria.md §10); remit uses the one set named "
    "in the bands source.",
)


def global_assessments(prefix: str = "") -> tuple[ast.Bounded, ast.Bounded]:
    phga = b.bounded(
        f"{prefix}phga",
        b.measure(f"{prefix}phga.value", "physician_global", days=VISIT_DAYS),
        0,
        10,
        label="Physician global assessment (0-10)",
    )
    pga = b.bounded(
        f"{prefix}pga",
        b.measure(f"{prefix}pga.value", "patient_global", days=VISIT_DAYS),
        0,
        10,
        label="Parent/patient global assessment (0-10)",
    )
    return phga, pga


def capped_joint_count(cap: int, prefix: str = "") -> ast.Arith:
    count = b.bounded(
        f"{prefix}ajc.recorded",
        b.measure(f"{prefix}ajc.value", "active_joint_count", days=VISIT_DAYS),
        0,
        71,
        label="Active joint count",
    )
    return ast.Arith(
        f"{prefix}ajc", f"Active joint count, capped at {cap}", "min", (count, b.const(f"{prefix}ajc.cap", cap))
    )


def normalised_esr(prefix: str = "") -> ast.Arith:
    """(ESR − 20)/10 with ESR < 20 set to 20 and ESR > 120 set to 120 (0-10)."""
    esr = b.bounded(
        f"{prefix}esr.recorded", b.measure(f"{prefix}esr.value", "esr", days=LAB_DAYS), 0, 200, label="ESR", unit="mm/h"
    )
    floored = ast.Arith(
        f"{prefix}esr.floor",
        "ESR, values below 20 mm/h counted as 20",
        "max",
        (esr, b.const(f"{prefix}esr.floor.value", 20, "mm/h")),
        "mm/h",
    )
    capped = ast.Arith(
        f"{prefix}esr.cap",
        "ESR, values above 120 mm/h counted as 120",
        "min",
        (floored, b.const(f"{prefix}esr.cap.value", 120, "mm/h")),
        "mm/h",
    )
    shifted = ast.Arith(
        f"{prefix}esr.shift", "ESR − 20", "-", (capped, b.const(f"{prefix}esr.shift.value", 20, "mm/h")), "mm/h"
    )
    return ast.Arith(
        f"{prefix}esr_normalised",
        "Normalised ESR (ESR − 20)/10, 0-10",
        "/",
        (shifted, b.const(f"{prefix}esr.divisor", 10, "mm/h")),
    )


def jadas_total(title: str, cap: int, *, with_esr: bool = True, extra: tuple[ast.ValueNode, ...] = ()) -> ast.Arith:
    phga, pga = global_assessments()
    terms: tuple[ast.ValueNode, ...] = (phga, pga, capped_joint_count(cap))
    if with_esr:
        terms += (normalised_esr(),)
    return b.total("score", title, *terms, *extra, unit="points")


def inactive_rule(
    score: ast.ValueNode, title: str, cut_off: float = INACTIVE_MAX, source: str = "Consolaro 2012"
) -> ast.Compare:
    return b.compare(
        "inactive", score, "<=", cut_off, "points", label=f"{title} ≤ {cut_off:g} (inactive disease, {source})"
    )


def poly_bands(low_max: float, high_above: float) -> tuple[ast.Band, ...]:
    le, gt = b.op("<="), b.op(">")
    return (
        ast.Band("inactive disease", le, INACTIVE_MAX),
        ast.Band("low disease activity", le, low_max),
        ast.Band("moderate disease activity", le, high_above),
        ast.Band("high disease activity", gt, high_above),
    )


SCORE = jadas_total("JADAS10", 10)

CRITERION = ast.Criterion(
    id="jadas10",
    version="1.0.0",
    title="JADAS10 (Juvenile Arthritis Disease Activity Score, 10-joint)",
    kind=ast.Kind.ACTIVITY,
    citation=ast.Citation(JADAS_2009, doi=JADAS_DOI),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    score=SCORE,
    score_unit="points",
    bands=poly_bands(3.8, 10.5),
    bands_source=(
        "'poly' column (extended oligo-, poly- and systemic arthritis): inactive ≤ 1 and low ≤ 3.8 from "
        f"{CONSOLARO_2012}; high > 10.5 from {CONSOLARO_2014_ARD}; moderate > 3.8 to ≤ 10.5 in between"
    ),
    status_meaning="inactive disease: JADAS10 ≤ 1 (Consolaro 2012 cut-off)",
    description=__doc__ or "",
    caveats=(
        "Citation: the DOI 10.1002/art.24516 of Consolaro 2009 is unverified (criteria.md §10).",
        *COMMON_CAVEATS,
    ),
    rule=inactive_rule(SCORE, "JADAS10"),
)
