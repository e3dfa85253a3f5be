"""Clinical JADAS, 10-joint version (cJADAS10; criteria.md §10).

cJADAS10 = physician global (0-10) + parent/patient global (0-10) + active
joint count capped at 10, without the ESR; range 0-30.

The status is "inactive disease" by the cut-off ≤ 1 (Consolaro 2012 for all
JADAS versions; the same value in Consolaro 2014 for cJADAS10). The bands are
the Consolaro 2014 cJADAS10 "poly" column (extended oligo-, poly- and systemic
arthritis): inactive ≤ 1, low ≤ 2.5, moderate 2.51-8.5, high > 8.5 (a score
between 2.5 and 2.51 is counted as moderate). Windows and the handling of
unrecorded items are those of ``jadas10`` (global assessments and joint count
on the visit day).
"""

from remit.catalogue.jadas10 import COMMON_CAVEATS, inactive_rule, jadas_total, poly_bands
from remit.rules import ast

CONSOLARO_2014_ACR = "Consolaro A, et al. Arthritis Care Res 2014;66:1703 (doi:10.1002/acr.22393)"

SCORE = jadas_total("cJADAS10", 10, with_esr=False)

CRITERION = ast.Criterion(
    id="cjadas10",
    version="1.0.0",
    title="cJADAS10 (clinical Juvenile Arthritis Disease Activity Score, 10-joint, no ESR)",
    kind=ast.Kind.ACTIVITY,
    citation=ast.Citation(
        "McErlane F, Beresford MW, Baildam EM, et al. (clinical JADAS, three variables). Ann Rheum Dis "
        f"2013;72(12):1983-1988; cut-offs: {CONSOLARO_2014_ACR}",
        doi="10.1002/acr.22393",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    score=SCORE,
    score_unit="points",
    bands=poly_bands(2.5, 8.5),
    bands_source=(
        f"Consolaro 2014 cJADAS10 'poly' column (extended oligo-, poly- and systemic arthritis), {CONSOLARO_2014_ACR}: "
        "inactive ≤ 1, low ≤ 2.5, moderate 2.51-8.5, high > 8.5"
    ),
    status_meaning="inactive disease: cJADAS10 ≤ 1 (Consolaro 2012/2014 cut-off)",
    description=__doc__ or "",
    caveats=(
        "Citation: criteria.md gives no DOI for McErlane 2013 (title and location verified); the DOI shown is "
        "that of the Consolaro 2014 cut-off paper.",
        COMMON_CAVEATS[0],
        "Windows are remit's choice: global assessments and active joint count on the visit day (the index date).",
        "An unrecorded item counts as its whole range (globals 0-10, joint count 0-71): the score is then "
        "reported as bounds.",
        COMMON_CAVEATS[3],
    ),
    rule=inactive_rule(SCORE, "cJADAS10"),
)
