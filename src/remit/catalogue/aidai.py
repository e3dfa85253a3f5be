"""Auto-Inflammatory Diseases Activity Index, AIDAI (criteria.md §9).

A prospective daily diary of 12 yes/no items kept for one month. Each "yes"
scores 1 point per day; AIDAI is the sum of all item-days over the month.
AIDAI ≥ 9 means active disease (sensitivity 89%, specificity 92% in the
validation cohort). Validated in FMF, MKD, TRAPS and CAPS.

The items (wording UNVERIFIED, as ``remit.core.record.AIDAI_ITEMS``): fever
≥ 38 °C; overall symptoms; abdominal pain; nausea/vomiting; diarrhoea;
headaches; chest pain; painful lymph nodes; arthralgia or myalgia; swelling of
the joints; eye manifestations; skin rash. The pain-relief question is
recorded but not scored.

How remit reads the record:

* The month is the 31 days ending on the index date (index − 30 days to the
  index date, inclusive); evaluate on the last day of the diary month.
* A missing diary day adds 12 to the upper bound of the score and an
  unanswered item adds 1; nothing is prorated. The status is met when the
  lower bound is ≥ 9, not met when the upper bound is < 9, and indeterminate
  otherwise.
"""

from remit.core.intervals import Op
from remit.core.record import AIDAI_ITEMS
from remit.rules import ast
from remit.rules import builders as b

MONTH_DAYS = 31  # the longest calendar month; the window is index - 30 .. index
ACTIVE_FROM = 9

_SCORE = ast.DiarySum(
    "aidai",
    "AIDAI (sum of 12 diary items over 31 days)",
    AIDAI_ITEMS,
    b.window(MONTH_DAYS - 1),
)

CRITERION = ast.Criterion(
    id="aidai",
    version="1.0.0",
    title="Auto-Inflammatory Diseases Activity Index (AIDAI)",
    kind=ast.Kind.ACTIVITY,
    citation=ast.Citation(
        "Piram M, Koné-Paut I, Lachmann HJ, et al. Validation of the Auto-Inflammatory Diseases Activity Index "
        "(AIDAI) for hereditary recurrent fever syndromes. Ann Rheum Dis 2014;73(12):2168-2173 (PMCID "
        "PMC4251184). Development: Piram M, Frenkel J, Gattorno M, et al. A preliminary score for the "
        "assessment of disease activity in hereditary recurrent fevers: results from the AIDAI Consensus "
        "Conference. Ann Rheum Dis 2011;70(2):309",
        doi="10.1136/annrheumdis-2013-203666",
    ),
    verification=ast.Verification.UNVERIFIED,
    applies_to=("fmf", "mkd", "traps", "caps"),
    score=_SCORE,
    score_unit="points",
    bands=(
        ast.Band("active", Op.GE, ACTIVE_FROM),
        ast.Band("inactive", Op.LT, ACTIVE_FROM),
    ),
    bands_source="Piram 2014: AIDAI ≥ 9 = active disease",
    status_meaning="active disease (AIDAI ≥ 9)",
    description=__doc__ or "",
    caveats=(
        "Item wording [UNVERIFIED]: the 12 items are recalled from the diary form, not read in the paper "
        "(ARD 2014 Table 1 or the patent claims should be checked). remit sums the 12 items of "
        "remit.core.record.AIDAI_ITEMS.",
        'Summing rule [UNVERIFIED]: AIDAI = the number of "yes" item-days over the month (1 point per item per '
        "day, maximum 12 × 31 = 372); consistent with the reported range 0-175 but not read in the paper.",
        "Missing diary days [UNVERIFIED handling]: the paper's handling is unknown. remit never prorates: a "
        "missing day widens the upper bound by 12 and an unanswered item by 1, so the result is indeterminate "
        "when the recorded days are below 9 but the missing ones could reach it.",
        "Window (remit's choice): the 31 days ending on the index date. For a diary month of 28-30 days, "
        "evaluated on its last day, the window also takes the last 1-3 days of the previous month: counted if "
        "recorded, otherwise they widen the upper bound.",
        "The pain-relief (rescue medication) question is recorded but not scored [UNVERIFIED].",
        "The DOI of the 2014 validation paper and the end page of the 2011 paper are [UNVERIFIED] (PMCID "
        "PMC4251184 verified).",
    ),
    rule=b.compare("active", _SCORE, ">=", ACTIVE_FROM, "1", label="AIDAI ≥ 9 (active disease)"),
)
