"""Juvenile Arthritis Disease Activity Score, 71-joint version (JADAS71;
criteria.md §10).

JADAS71 = physician global (0-10) + parent/patient global (0-10) + active
joint count over all 71 joints + normalised ESR (0-10), range 0-101.

remit stores one active joint count per visit (at most 71); the result is
JADAS71 only if all 71 joints were assessed. The cap at 71 is kept for
clarity.

The status is "inactive disease" by the Consolaro 2012 cut-off ≤ 1; the bands
use the "poly" column: inactive ≤ 1, low ≤ 3.8 (Consolaro 2012), high > 10.5
(Consolaro 2014, JADAS10 and JADAS71), moderate in between. Windows and the
handling of unrecorded items are those of ``jadas10``.
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

SCORE = jadas_total("JADAS71", 71)

CRITERION = ast.Criterion(
    id="jadas71",
    version="1.0.0",
    title="JADAS71 (Juvenile Arthritis Disease Activity Score, 71-joint)",
    kind=ast.Kind.ACTIVITY,
    citation=ast.Citation(JADAS_2009, doi=JADAS_DOI),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    score=SCORE,
    score_unit="points",
    bands=poly_bands(3.8, 10.5),
    bands_source=(
        "'poly' column (extended oligo-, poly- and systemic arthritis): inactive ≤ 1 and low ≤ 3.8 from "
        f"{CONSOLARO_2012}; high > 10.5 (JADAS71) from {CONSOLARO_2014_ARD}; moderate > 3.8 to ≤ 10.5 in between"
    ),
    status_meaning="inactive disease: JADAS71 ≤ 1 (Consolaro 2012 cut-off)",
    description=__doc__ or "",
    caveats=(
        "Citation: the DOI 10.1002/art.24516 of Consolaro 2009 is unverified (criteria.md §10).",
        "remit stores a single active joint count: JADAS71 is valid only if all 71 joints were assessed.",
        *COMMON_CAVEATS,
    ),
    rule=inactive_rule(SCORE, "JADAS71"),
)
