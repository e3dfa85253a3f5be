"""The outcome definitions of the anakinra cohort, as criteria-language data.

The response rules of the Arch Rheumatol 2021 cohort (seed paper 004, read in
``docs/demo-data.md`` and ``docs/outcomes.md``) use instruments the catalogue
already has (``acr_cid_2011`` for sJIA inactive disease, ``jadas10`` for the
sJIA improvement measure) and a few operational definitions it does not: the
"inactive disease" of a systemic autoinflammatory disease (SAID), the attack
count that measures SAID improvement, the AIDAI of the diary month before a
visit, and two single-day states used for the time-to-resolution measures.
They are built here with :mod:`remit.rules.builders` from the same items as the
catalogue instruments, so the criteria engine evaluates and explains them and
:func:`remit.rules.serialize.content_hash` names them in the report's
provenance. No threshold of this module is applied in Python code.
"""

from __future__ import annotations

from remit.catalogue.aidai import ACTIVE_FROM
from remit.catalogue.wallace_cid_2004 import crp_normal, esr_normal, physician_global_best
from remit.core.record import AIDAI_ITEMS, EpisodeKind
from remit.drugs import DRUGS
from remit.rules import ast
from remit.rules import builders as b

PAPER = ast.Citation(
    "Efficacy of anakinra treatment in pediatric rheumatic diseases: our single-center experience. "
    "Arch Rheumatol 2021 (seed paper 004; operational definitions as read in docs/demo-data.md)"
)

ATTACK_LOOKBACK_DAYS = 91
""""The 3 months before" a day D: D − 91 … D − 1, counted by the start date of an episode."""

ATTACK_KINDS: tuple[EpisodeKind, ...] = (EpisodeKind.FEVER_ATTACK, EpisodeKind.PERICARDITIS)
"""What counts as an attack of a SAID: a fever attack, or a pericarditis recurrence (recurrent pericarditis)."""

_BEFORE_DAY = ast.Window(days_before=ATTACK_LOOKBACK_DAYS, days_after=-1)
_DIARY_MONTH = ast.Window(days_before=30, days_after=-1)


def attack_count(prefix: str = "") -> ast.Arith:
    """Attacks (fever attacks and pericarditis recurrences) starting in the 91 days before the index date."""
    counts = tuple(
        ast.CountEpisodes(
            f"{prefix}attacks.{kind.value}",
            f"{kind.value.replace('_', ' ').capitalize()} episodes starting in the {ATTACK_LOOKBACK_DAYS} days "
            "before the index date",
            kind,
            _BEFORE_DAY,
        )
        for kind in ATTACK_KINDS
    )
    return b.total(f"{prefix}attacks", f"Attacks in the {ATTACK_LOOKBACK_DAYS} days before the index date", *counts)


_ATTACKS = attack_count()

ATTACKS_3M = ast.Criterion(
    id="attacks_3m",
    version="1.0.0",
    title="Attack count of a systemic autoinflammatory disease in the 3 months before a visit",
    kind=ast.Kind.ACTIVITY,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    applies_to=("fmf", "caps", "mkd", "traps", "recurrent_pericarditis", "naps12", "unclassified_said"),
    score=_ATTACKS,
    score_unit="attacks",
    status_meaning="at least one attack in the 3 months before the index date",
    description=(
        "The number of attacks (episodes of kind fever_attack or pericarditis) that start in the 91 days before "
        "the index date (index − 91 … index − 1). The paper measures SAID improvement by 'the frequency of "
        "attacks'; this is that frequency over 3 months. The count is exact only when the record covers the "
        "whole window; otherwise it is a lower bound."
    ),
    caveats=(
        "Operational definition of the paper's 'frequency of attacks' (docs/outcomes.md); the paper gives no "
        "window. 3 months = 91 days before the visit, the visit day excluded.",
        "Fever attacks and pericarditis recurrences are counted for every SAID; other episode kinds (flares, "
        "MAS) are not attacks.",
    ),
    rule=b.compare("any_attack", _ATTACKS, ">=", 1, "1", label="At least one attack in the 3 months before"),
)

SAID_INACTIVE = ast.Criterion(
    id="said_inactive_2021",
    version="1.0.0",
    title="Inactive disease of a systemic autoinflammatory disease (complete response, anakinra cohort 2021)",
    kind=ast.Kind.STATE,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    applies_to=ATTACKS_3M.applies_to,
    status_meaning="inactive disease (complete response) at the visit",
    description=(
        "'Inactive disease was defined as the absence of active systemic features for each specific disease, "
        "normal ESR and CRP, and with the best possible PGA score' (the paper's Methods). Operationally: no "
        "attack starting in the 91 days before the visit; ESR and CRP (latest within 7 days up to the visit) "
        "not above the upper limit of the reference range stored with the value; physician global 0 of 10 on "
        "the visit day. ESR/CRP and physician-global items are those of wallace_cid_2004."
    ),
    caveats=(
        "Operational definition (docs/outcomes.md): 'absence of active systemic features' is read as 'no attack "
        "in the 3 months before the visit'.",
        "Both ESR and CRP must be recorded and normal (the paper says 'normal ESR and CRP'); a missing value makes "
        "the result indeterminate.",
    ),
    rule=b.all_of(
        "rule",
        "SAID inactive disease: all items",
        b.compare("no_attack", _ATTACKS, "<=", 0, "1", label="No attack in the 3 months before the visit"),
        esr_normal(),
        crp_normal(),
        physician_global_best(),
    ),
)

_AIDAI_30 = ast.DiarySum(
    "aidai", "AIDAI (sum of 12 diary items over the 30 days before the visit)", AIDAI_ITEMS, _DIARY_MONTH
)

AIDAI_BEFORE_VISIT = ast.Criterion(
    id="aidai_before_visit",
    version="1.0.0",
    title="AIDAI of the diary month before a visit",
    kind=ast.Kind.ACTIVITY,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    applies_to=ATTACKS_3M.applies_to,
    score=_AIDAI_30,
    score_unit="points",
    bands=(ast.Band("active", b.op(">="), ACTIVE_FROM), ast.Band("inactive", b.op("<"), ACTIVE_FROM)),
    bands_source="Piram 2014: AIDAI ≥ 9 = active disease (as the catalogue instrument aidai)",
    status_meaning="active disease (AIDAI ≥ 9)",
    description=(
        "The catalogue AIDAI (items and summing rule of instrument 'aidai') over the 30 diary days before the "
        "visit (index − 30 … index − 1): registries ask for the diary month that ends the day before the visit. "
        "Missing days widen the upper bound by 12, unanswered items by 1; nothing is prorated."
    ),
    caveats=("Window is the outcome's choice: the catalogue 'aidai' sums the 31 days ending on the index date.",),
    rule=b.compare("active", _AIDAI_30, ">=", ACTIVE_FROM, "1", label="AIDAI ≥ 9 (active disease)"),
)

AFEBRILE = ast.Criterion(
    id="afebrile_day",
    version="1.0.0",
    title="Afebrile on the day (fever recorded absent)",
    kind=ast.Kind.STATE,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    status_meaning="fever recorded absent on the index date",
    description=(
        "TRUE when fever is recorded absent on the index date and no fever is recorded present that day; FALSE "
        "when a fever is recorded present; UNKNOWN when fever is not recorded. Used for 'time to fever "
        "resolution': the first day after the start of the index drug on which this is TRUE."
    ),
    rule=b.not_("afebrile", "Afebrile on the day", b.finding("fever", "fever", days=0, label="Fever on the day")),
)

CRP_NORMAL = ast.Criterion(
    id="crp_normal_day",
    version="1.0.0",
    title="CRP within the reference range on the day",
    kind=ast.Kind.STATE,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    status_meaning="the CRP of the day is not above the upper limit of its reference range",
    description=(
        "The CRP recorded on the index date is not above the upper limit of the reference range stored with it "
        "(the crp_normal item of wallace_cid_2004, on the day only). Used for 'time to CRP normalisation': the "
        "first CRP after the start of the index drug for which this is TRUE."
    ),
    rule=b.within_reference(
        "rule", "crp", days=0, side=ast.Side.UPPER, label="CRP within the laboratory's normal limits on the day"
    ),
)

BIOLOGIC_DRUGS: tuple[str, ...] = tuple(sorted(d.id for d in DRUGS.values() if d.biologic))
"""Every drug of the drug catalogue classed as a biologic."""

ON_BIOLOGIC = ast.Criterion(
    id="on_biologic",
    version="1.0.0",
    title="On a biologic on the day",
    kind=ast.Kind.STATE,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    status_meaning="a course of a biologic is active on the index date",
    description=(
        "A course of any drug the drug catalogue classes as a biologic is active on the index date. The paper's "
        "'remission on medication' at a time point is a complete response while on a biologic (anakinra or the "
        "biologic it was switched to); 'remission off medication' is a complete response after anakinra was "
        "stopped for remission, with no biologic (colchicine, which FMF patients keep taking, is not one)."
    ),
    caveats=("Biologics: " + ", ".join(BIOLOGIC_DRUGS) + " (drug catalogue class 'biologic').",),
    rule=ast.OnMedication("rule", "On a biologic", BIOLOGIC_DRUGS),
)

ARTHRITIS = ast.Criterion(
    id="arthritis_day",
    version="1.0.0",
    title="Arthritis on the day",
    kind=ast.Kind.STATE,
    citation=PAPER,
    verification=ast.Verification.UNVERIFIED,
    status_meaning="arthritis recorded present on the index date",
    description=(
        "Arthritis recorded present on the index date (the paper's 'presence of arthritis' on admission, Table 3); "
        "FALSE when recorded absent, UNKNOWN when not recorded."
    ),
    rule=b.finding("rule", "arthritis", days=0, label="Arthritis on the day"),
)

DEFINITIONS: tuple[ast.Criterion, ...] = (
    SAID_INACTIVE,
    ATTACKS_3M,
    AIDAI_BEFORE_VISIT,
    AFEBRILE,
    CRP_NORMAL,
    ON_BIOLOGIC,
    ARTHRITIS,
)
"""The outcome definitions of this module, for provenance and the static checks."""
