"""Preliminary criteria for clinical inactive disease in JIA, Wallace 2004
(criteria.md §8).

All items are required at the assessment: no active arthritis; no fever,
rash, serositis, splenomegaly or generalised lymphadenopathy attributable to
JIA; no active uveitis; normal ESR or CRP — if both are tested, both must be
normal; physician global assessment at the best score of the scale (0 of 10).

The index date is the visit date. Windows are remit's choice (the criteria
give none): clinical findings and the clinical measures (active joint count,
physician global) are those recorded on the visit day; ESR and CRP are the
latest value within the 7 days up to the visit.

Item by item:

* *No active arthritis*: the active joint count of the visit is 0. When no
  joint count is recorded that day (and the record covers it), arthritis
  recorded absent at the visit is accepted instead; the joint count, when
  recorded, decides.
* *Systemic features and uveitis*: each must be recorded absent at the visit;
  not recorded is unknown (never assumed absent). The rash is the evanescent
  sJIA rash (finding ``evanescent_rash``).
* *ESR/CRP "normal"*: judged against the reference range stored with the
  value (``WithinReference``, upper limit only: an acute-phase reactant below
  the lower limit is not raised), or the laboratory's own normal/high flag.
  "Tested" means a value is recorded in the 7-day window; absence counts as
  untested only when the record covers the window, so with neither test
  recorded the result is indeterminate (criteria.md §8 missing-data note).

The helpers below build the items shared with ``acr_cid_2011``.
"""

from remit.rules import ast
from remit.rules import builders as b

LAB_DAYS = 7
VISIT_DAYS = 0

# Findings that are "systemic features attributable to JIA" in the 2004/2011 criteria.
SYSTEMIC_FEATURES: tuple[tuple[str, str, str], ...] = (
    ("fever", "fever", "Fever"),
    ("rash", "evanescent_rash", "Evanescent sJIA rash"),
    ("serositis", "serositis", "Serositis"),
    ("splenomegaly", "splenomegaly", "Splenomegaly"),
    ("lymphadenopathy", "generalised_lymphadenopathy", "Generalised lymphadenopathy"),
)


def no_active_arthritis(prefix: str = "") -> ast.AnyOf:
    """Active joint count 0 at the visit; arthritis recorded absent when no count is recorded."""
    recorded = b.has_value(
        f"{prefix}ajc_recorded", "active_joint_count", days=VISIT_DAYS, label="Active joint count recorded at the visit"
    )
    zero = b.compare(
        f"{prefix}ajc_zero",
        b.measure(f"{prefix}ajc", "active_joint_count", days=VISIT_DAYS),
        "<=",
        0,
        "1",
        label="Active joint count = 0",
    )
    arthritis = b.finding(f"{prefix}arthritis", "arthritis", days=VISIT_DAYS, label="Arthritis")
    return b.any_of(
        f"{prefix}no_arthritis",
        "No active arthritis",
        b.all_of(f"{prefix}no_arthritis.by_count", "Active joint count recorded and 0", recorded, zero),
        b.all_of(
            f"{prefix}no_arthritis.by_finding",
            "No joint count recorded; arthritis recorded absent",
            b.not_(f"{prefix}ajc_not_recorded", "No active joint count recorded at the visit", recorded),
            b.not_(f"{prefix}arthritis_absent", "Arthritis recorded absent at the visit", arthritis),
        ),
    )


def no_systemic_features(prefix: str = "") -> ast.AllOf:
    """Fever, rash, serositis, splenomegaly and generalised lymphadenopathy recorded absent at the visit."""
    items = tuple(
        b.not_(
            f"{prefix}no_{key}",
            f"No {label[0].lower()}{label[1:]}",
            b.finding(f"{prefix}{key}", kind, days=VISIT_DAYS, label=label),
        )
        for key, kind, label in SYSTEMIC_FEATURES
    )
    return ast.AllOf(
        f"{prefix}no_systemic_features",
        "No fever, rash, serositis, splenomegaly or generalised lymphadenopathy attributable to JIA",
        items,
    )


def no_uveitis(prefix: str = "", label: str = "No active uveitis") -> ast.Not:
    return b.not_(
        f"{prefix}no_uveitis", label, b.finding(f"{prefix}uveitis", "uveitis", days=VISIT_DAYS, label="Active uveitis")
    )


def physician_global_best(prefix: str = "") -> ast.Compare:
    return b.compare(
        f"{prefix}physician_global",
        b.measure(f"{prefix}physician_global.value", "physician_global", days=VISIT_DAYS),
        "<=",
        0,
        "1",
        label="Physician global assessment at the best score (0 of 10)",
    )


def acute_phase_normal(prefix: str, label: str, esr_ok: ast.TruthNode, crp_ok: ast.TruthNode) -> ast.AllOf:
    """At least one of ESR/CRP acceptable, and every one that was tested acceptable."""
    esr_tested = b.has_value(f"{prefix}esr_tested", "esr", days=LAB_DAYS, label="ESR tested")
    crp_tested = b.has_value(f"{prefix}crp_tested", "crp", days=LAB_DAYS, label="CRP tested")
    return b.all_of(
        f"{prefix}acute_phase",
        label,
        b.any_of(f"{prefix}acute_phase.any", "ESR or CRP acceptable", esr_ok, crp_ok),
        b.any_of(
            f"{prefix}acute_phase.esr",
            "ESR acceptable if tested",
            b.not_(f"{prefix}esr_untested", "ESR not tested", esr_tested),
            esr_ok,
        ),
        b.any_of(
            f"{prefix}acute_phase.crp",
            "CRP acceptable if tested",
            b.not_(f"{prefix}crp_untested", "CRP not tested", crp_tested),
            crp_ok,
        ),
    )


def esr_normal(prefix: str = "") -> ast.WithinReference:
    return b.within_reference(
        f"{prefix}esr_normal",
        "esr",
        days=LAB_DAYS,
        side=ast.Side.UPPER,
        label="ESR within the laboratory's normal limits",
    )


def crp_normal(prefix: str = "") -> ast.WithinReference:
    return b.within_reference(
        f"{prefix}crp_normal",
        "crp",
        days=LAB_DAYS,
        side=ast.Side.UPPER,
        label="CRP within the laboratory's normal limits",
    )


CRITERION = ast.Criterion(
    id="wallace_cid_2004",
    version="1.0.0",
    title="Clinical inactive disease in JIA (Wallace 2004 preliminary criteria)",
    kind=ast.Kind.STATE,
    citation=ast.Citation(
        "Wallace CA, Ruperto N, Giannini E; CARRA, PRINTO, PRCSG. Preliminary criteria for clinical remission "
        "for select categories of juvenile idiopathic arthritis. J Rheumatol 2004;31(11):2290-2294",
        pmid="15517647",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    status_meaning="clinical inactive disease (all items met at the visit)",
    description=__doc__ or "",
    caveats=(
        "Citation: the author list, page numbers and PMID 15517647 are unverified (criteria.md §8); no DOI is "
        "given there.",
        f"Windows are remit's choice: findings, active joint count and physician global on the visit day; ESR "
        f"and CRP the latest value within {LAB_DAYS} days up to the visit.",
        "'Attributable to JIA' cannot be judged from data: a fever, rash, serositis, splenomegaly or generalised "
        "lymphadenopathy recorded present at the visit counts against inactive disease. Record it absent when "
        "the clinician attributes it to another cause.",
        "ESR/CRP 'normal' is judged against the reference range stored with each value (upper limit) or the "
        "laboratory's normal/high flag; a value without a reference range cannot be judged (indeterminate).",
        "The active joint count decides when recorded; arthritis recorded absent is used only when no joint "
        "count is recorded at the visit.",
        "Physician global: the best score on remit's 0-10 scale is 0.",
        "Uveitis activity is not defined by the 2004 criteria; remit uses the 'active uveitis' finding.",
    ),
    rule=b.all_of(
        "rule",
        "Clinical inactive disease (Wallace 2004): all items",
        no_active_arthritis(),
        no_systemic_features(),
        no_uveitis(),
        acute_phase_normal("", "Normal ESR or CRP; if both tested, both normal", esr_normal(), crp_normal()),
        physician_global_best(),
    ),
)
