"""ACR Pediatric 30/50/70/90 response (Giannini 1997; criteria.md §11).

Six core variables are compared between a baseline visit and the index date:
physician global assessment, parent/patient global assessment, CHAQ, number
of joints with active arthritis, number of joints with limited range of
motion, and ESR. Percent change = (follow-up − baseline)/baseline × 100;
improvement is a decrease for all six.

ACR Pedi 30 (the status): ≥ 30 % improvement in ≥ 3 of the 6 variables, with
no more than 1 of the remaining variables worsening by > 30 %. ACR Pedi
50/70/90 have the same structure with ≥ 50/70/90 % improvement. An improved
variable cannot also be worsened, so "no more than 1 of the remaining" is
tested as "fewer than 2 of the 6 worsened by > 30 %".

The score is the highest level achieved (30, 50, 70 or 90; 0 when not even
ACR Pedi 30), reported as bounds when unknown values leave levels open.

Zero baselines follow the spec's recommendation (implemented by ``Change``):
0 → 0 is no change (neither improved nor worsened), 0 → more is worsened.

Windows are remit's choice: each variable is the latest value within the 7
days up to the index date, and within the 7 days up to the baseline date.
"""

from remit.rules import ast
from remit.rules import builders as b

WINDOW_DAYS = 7
LEVELS = (30, 50, 70, 90)
WORSENING_PERCENT = 30

CORE_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("phga", "physician_global", "Physician global assessment"),
    ("pga", "patient_global", "Parent/patient global assessment"),
    ("chaq", "chaq", "CHAQ"),
    ("ajc", "active_joint_count", "Active joint count"),
    ("lom", "limited_joint_count", "Joints with limited range of motion"),
    ("esr", "esr", "ESR"),
)


def changes(prefix: str = "") -> dict[str, ast.Change]:
    """Percent change from baseline of each core variable."""
    return {
        key: ast.Change(
            f"{prefix}{key}.change",
            f"{label}: % change from baseline",
            b.measure(f"{prefix}{key}.current", analyte, days=WINDOW_DAYS, label=f"{label} (follow-up)"),
            b.measure(f"{prefix}{key}.baseline", analyte, days=WINDOW_DAYS, baseline=True, label=f"{label} (baseline)"),
        )
        for key, analyte, label in CORE_VARIABLES
    }


def worsened(prefix: str, delta: dict[str, ast.Change]) -> tuple[ast.Compare, ...]:
    return tuple(
        b.compare(
            f"{prefix}{key}.worsened",
            delta[key],
            ">",
            WORSENING_PERCENT,
            "%",
            label=f"{label} worsened by > {WORSENING_PERCENT} %",
        )
        for key, _, label in CORE_VARIABLES
    )


def pedi_level(prefix: str, level: int, delta: dict[str, ast.Change], worse: tuple[ast.Compare, ...]) -> ast.AllOf:
    """ACR Pedi ``level``: ≥ level % improvement in ≥ 3 of 6, ≤ 1 worsened by > 30 %."""
    improved = tuple(
        b.compare(
            f"{prefix}{key}.improved{level}", delta[key], "<=", -level, "%", label=f"{label} improved by ≥ {level} %"
        )
        for key, _, label in CORE_VARIABLES
    )
    return b.all_of(
        f"{prefix}pedi{level}",
        f"ACR Pedi {level}",
        b.at_least(f"{prefix}pedi{level}.improved", f"≥ {level} % improvement in at least 3 of 6", 3, *improved),
        b.not_(
            f"{prefix}pedi{level}.worsened",
            "No more than 1 variable worsened by > 30 %",
            b.at_least(f"{prefix}pedi{level}.worsened2", "2 or more variables worsened by > 30 %", 2, *worse),
        ),
    )


DELTA = changes()
WORSE = worsened("", DELTA)
LEVEL_RULES = {level: pedi_level("", level, DELTA, WORSE) for level in LEVELS}

SCORE = b.points(
    "level",
    "Highest ACR Pedi level achieved",
    b.domain("level.achieved", "ACR Pedi level", *(b.option(level, LEVEL_RULES[level]) for level in LEVELS)),
)

CRITERION = ast.Criterion(
    id="acr_pedi",
    version="1.0.0",
    title="ACR Pediatric 30/50/70/90 response",
    kind=ast.Kind.RESPONSE,
    citation=ast.Citation(
        "Giannini EH, Ruperto N, Ravelli A, Lovell DJ, Felson DT, Martini A. Preliminary definition of "
        "improvement in juvenile arthritis. Arthritis Rheum 1997;40(7):1202-1209",
        doi="10.1002/art.1780400703",
    ),
    verification=ast.Verification.UNVERIFIED,
    applies_to=("sjia",),
    needs_baseline=True,
    score=SCORE,
    score_unit="ACR Pedi level",
    bands=(
        ast.Band("ACR Pedi 90", b.op(">="), 90),
        ast.Band("ACR Pedi 70", b.op(">="), 70),
        ast.Band("ACR Pedi 50", b.op(">="), 50),
        ast.Band("ACR Pedi 30", b.op(">="), 30),
        ast.Band("no ACR Pedi 30 response", b.op("<"), 30),
    ),
    bands_source="Giannini 1997 (ACR Pedi 30); ACR Pedi 50/70/90 as universally applied (criteria.md §11)",
    status_meaning="ACR Pedi 30 response: ≥ 30 % improvement in ≥ 3 of 6 core variables, ≤ 1 worsened by > 30 %",
    description=__doc__ or "",
    caveats=(
        "ACR Pedi 30 is verified; ACR Pedi 50/70/90 (the score levels) are [UNVERIFIED] as primary definitions — "
        "remit applies the same structure with ≥ 50/70/90 % improvement, as is universal practice.",
        "Citation: pages 1202-1209 and the DOI are unverified (criteria.md §11).",
        "Zero baselines (no rule in the instrument): 0 → 0 counts as neither improved nor worsened, 0 → more "
        "as worsened (criteria.md §11 recommendation).",
        f"Windows are remit's choice: the latest value within {WINDOW_DAYS} days up to the index date and up to "
        "the baseline date.",
        "The joint counts must use the same joint set at each visit; remit cannot check this.",
    ),
    rule=LEVEL_RULES[30],
)
