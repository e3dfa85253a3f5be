"""Juvenile Arthritis Disease Activity Score, 27-joint version (JADAS27;
criteria.md §10).

JADAS27 = physician global (0-10) + parent/patient global (0-10) + active
joint count over the 27 joints of Bazso 2009 (cervical spine, elbows, wrists,
MCP 1-3, PIPs, hips, knees, ankles) + normalised ESR (0-10), range 0-57.

remit stores one active joint count per visit. JADAS27 uses it capped at 27;
the result is JADAS27 only if the clinician counted the 27-joint set (a full
71-joint count of more than 27 joints is not a 27-joint count).

The status is "inactive disease" by the Consolaro 2012 cut-off ≤ 1; the bands
use the "poly" column: inactive ≤ 1, low ≤ 3.8 (Consolaro 2012), high > 8.5
(Consolaro 2014, JADAS27), moderate in between. Windows and the handling of
unrecorded items are those of ``jadas10``.
"""

from remit.catalogue.jadas10 import (
    COMMON_CAVEATS,
    CONSOLARO_2012,
    CONSOLARO_2014_ARD,
    JADAS_2009,
    JADAS_DOI,
    inactive_rule,
    jadas_total,
    poly_bands,
)
from remit.rules import ast

BAZSO_2009 = (
    "Bazso A, Consolaro A, Ruperto N, et al. Development and testing of reduced joint counts in juvenile "
    "idiopathic arthritis. J Rheumatol 2009;36(1):183-190 (doi:10.3899/jrheum.080432)"
)

SCORE = jadas_total("JADAS27", 27)

CRITERION = ast.Criterion(
    id="jadas27",
    version="1.0.0",
    title="JADAS27 (Juvenile Arthritis Disease Activity Score, 27-joint)",
    kind=ast.Kind.ACTIVITY,
    citation=ast.Citation(f"{JADAS_2009}; 27-joint set: {BAZSO_2009}", doi=JADAS_DOI),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    score=SCORE,
    score_unit="points",
    bands=poly_bands(3.8, 8.5),
    bands_source=(
        "'poly' column (extended oligo-, poly- and systemic arthritis): inactive ≤ 1 and low ≤ 3.8 from "
        f"{CONSOLARO_2012}; high > 8.5 (JADAS27) from {CONSOLARO_2014_ARD}; moderate > 3.8 to ≤ 8.5 in between"
    ),
    status_meaning="inactive disease: JADAS27 ≤ 1 (Consolaro 2012 cut-off)",
    description=__doc__ or "",
    caveats=(
        "Citation: the DOI 10.1002/art.24516 of Consolaro 2009 is unverified (criteria.md §10).",
        "remit stores a single active joint count: JADAS27 is valid only if that count was taken over the 27 "
        "joints of Bazso 2009. The count is capped at 27 here.",
        *COMMON_CAVEATS,
    ),
    rule=inactive_rule(SCORE, "JADAS27"),
)
