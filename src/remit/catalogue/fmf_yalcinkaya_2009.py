"""Paediatric criteria for familial Mediterranean fever, Yalçınkaya–Özen 2009
("Ankara" criteria; criteria.md §7b).

FMF criteria are fulfilled with at least 2 of 5 criteria; each attack
criterion needs at least 3 attacks:

1. fever: axillary temperature > 38 °C, lasting 6-72 h, ≥ 3 attacks;
2. abdominal pain lasting 6-72 h, ≥ 3 attacks;
3. chest pain lasting 6-72 h, ≥ 3 attacks;
4. oligoarthritis lasting 6-72 h, ≥ 3 attacks;
5. family history of FMF.

How remit reads the record:

* Look-back window: the whole record up to the index date, for every item.
* Attacks are ``fever_attack`` episodes with ``duration_hours`` (or whole-day
  dates), ``features`` and the attributes ``max_temperature_c`` and
  ``temperature_site``. The fever criterion counts episodes with an axillary
  maximum > 38 °C; the pain criteria count episodes with the feature
  (``abdominal_pain``, ``chest_pain``, ``arthritis``), febrile or not. An
  episode lasting 6-72 h with fever and abdominal pain counts for both.
* Family history of FMF is the ``family_history_fmf`` finding.
* Episode counts are exact only when the record's data coverage starts at
  birth (a complete history); otherwise they are lower bounds.
"""

from remit.core.record import EpisodeKind
from remit.rules import ast
from remit.rules import builders as b

WHOLE_RECORD: int | None = None  # days_before=None: at any time up to the index date
_HISTORY = b.window(WHOLE_RECORD)

MIN_HOURS = 6
MAX_HOURS = 72
ATTACKS = 3


def _attacks(
    node_id: str, label: str, *, features_any: tuple[str, ...] = (), attributes: tuple[ast.AttributeTest, ...] = ()
) -> ast.Compare:
    count = ast.CountEpisodes(
        f"{node_id}.count",
        f"{label} attacks lasting 6-72 h",
        EpisodeKind.FEVER_ATTACK,
        _HISTORY,
        features_any=features_any,
        min_hours=MIN_HOURS,
        max_hours=MAX_HOURS,
        attributes=attributes,
    )
    return b.compare(node_id, count, ">=", ATTACKS, "1", label=f"{label} lasting 6-72 h, ≥ {ATTACKS} attacks")


_CRITERIA = (
    _attacks(
        "fever",
        "Fever (axillary > 38 °C)",
        attributes=(
            ast.AttributeTest("temperature_site", "==", "axillary"),
            ast.AttributeTest("max_temperature_c", ">", 38.0),
        ),
    ),
    _attacks("abdominal_pain", "Abdominal pain", features_any=("abdominal_pain",)),
    _attacks("chest_pain", "Chest pain", features_any=("chest_pain",)),
    _attacks("oligoarthritis", "Oligoarthritis", features_any=("arthritis",)),
    b.finding("family_history", "family_history_fmf", days=WHOLE_RECORD),
)

CRITERION = ast.Criterion(
    id="fmf_yalcinkaya_2009",
    version="1.0.0",
    title="Paediatric FMF criteria (Yalçınkaya–Özen 2009)",
    kind=ast.Kind.CLASSIFICATION,
    citation=ast.Citation(
        "Yalçınkaya F, Özen S, et al. A new set of criteria for the diagnosis of familial Mediterranean fever "
        "in childhood. Rheumatology (Oxford) 2009;48(4):395-398",
        doi="10.1093/rheumatology/ken509",
        pmid="19193696",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("fmf",),
    status_meaning="paediatric FMF criteria fulfilled (≥ 2 of 5)",
    description=__doc__ or "",
    caveats=(
        "The co-author list of the citation is [UNVERIFIED] (first two authors, title, journal, DOI and PMID "
        "verified).",
        "Performance [CONFLICT]: ≥ 2 criteria gave sensitivity 86.5% and specificity 93.6% in the derivation "
        "cohort, but specificity was only 40.7% in the Eurofever registry. Expect false positives outside a "
        "high-prevalence paediatric population.",
        "Published as diagnostic criteria; used here for research classification. The diagnosis of FMF remains "
        "the attending physician's.",
        "Fever: only episodes with temperature_site = axillary and max_temperature_c > 38 °C count (exactly "
        "38.0 °C does not). A rectal, oral or tympanic reading is not counted, because no published rule "
        "converts it to an axillary value; an episode without a recorded site is a possible attack (the count "
        "becomes a range). Note the contrast with Livneh: rectal ≥ 38 °C.",
        "Durations: 6 h to 72 h inclusive, from duration_hours, or from whole-day dates as "
        "[(days − 1) × 24, days × 24] h (a one-day episode without hours is indeterminate for the 6-hour "
        "minimum).",
        "Oligoarthritis: any arthritis in an attack counts; the number of joints (≤ 4) is not checked. Pain "
        "attacks need not be febrile (none is printed).",
        "Look-back window (remit's choice): the whole record up to the index date. Episode counts are exact only "
        "when the record's data coverage starts at birth; otherwise they are lower bounds, and a criterion with "
        "fewer than 3 recorded attacks is indeterminate, never not met on that account. Family history not "
        "recorded is unknown.",
    ),
    rule=b.at_least("rule", "At least 2 of the 5 criteria", 2, *_CRITERIA),
)
