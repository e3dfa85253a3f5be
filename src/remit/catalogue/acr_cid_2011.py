"""ACR provisional criteria for clinical inactive disease in JIA, Wallace 2011
(criteria.md §8).

All items are required at the assessment: no joints with active arthritis; no
fever, rash, serositis, splenomegaly or generalised lymphadenopathy
attributable to JIA; no active uveitis (SUN definition); ESR or CRP within
normal limits in the laboratory where tested, or, if elevated, not
attributable to JIA; physician global assessment at the best possible score;
morning stiffness ≤ 15 minutes.

The index date is the visit date. Windows are remit's choice (the criteria
give none): findings and clinical measures (active joint count, physician
global, morning stiffness) recorded on the visit day; ESR and CRP the latest
value within the 7 days up to the visit.

Item by item (shared with ``wallace_cid_2004``, see there), plus:

* *ESR/CRP*: every one tested in the window must be within the laboratory's
  normal limits (upper limit of the stored reference range, or the
  laboratory's flag) or, if raised, attributed by the clinician to a cause
  other than JIA (finding ``acute_phase_rise_not_jia`` present within the same
  7 days; recorded absent = attributable to JIA). A raised value with no
  attribution recorded is indeterminate, never "not met". With neither test
  recorded the item is indeterminate.
* *Morning stiffness*: the recorded duration ≤ 15 min; when no duration is
  recorded that day (and the record covers it), morning stiffness recorded
  absent counts as 0 min. Missing → indeterminate (criteria.md §8).
"""

import functools

from remit.catalogue.wallace_cid_2004 import (
    LAB_DAYS,
    VISIT_DAYS,
    acute_phase_normal,
    crp_normal,
    esr_normal,
    no_active_arthritis,
    no_systemic_features,
    no_uveitis,
    physician_global_best,
)
from remit.rules import ast
from remit.rules import builders as b

MORNING_STIFFNESS_MAX_MIN = 15


def morning_stiffness_ok(prefix: str = "") -> ast.AnyOf:
    """Morning stiffness ≤ 15 min; recorded absent counts when no duration is recorded."""
    recorded = b.has_value(
        f"{prefix}morning_stiffness_recorded",
        "morning_stiffness",
        days=VISIT_DAYS,
        label="Morning stiffness duration recorded at the visit",
    )
    return b.any_of(
        f"{prefix}morning_stiffness",
        "Morning stiffness ≤ 15 min",
        b.compare(
            f"{prefix}morning_stiffness.duration",
            b.measure(f"{prefix}morning_stiffness.value", "morning_stiffness", days=VISIT_DAYS),
            "<=",
            MORNING_STIFFNESS_MAX_MIN,
            "min",
            label="Morning stiffness duration ≤ 15 min",
        ),
        b.all_of(
            f"{prefix}morning_stiffness.absent",
            "No duration recorded; morning stiffness recorded absent",
            b.not_(f"{prefix}morning_stiffness_not_recorded", "No morning stiffness duration recorded", recorded),
            b.not_(
                f"{prefix}no_morning_stiffness",
                "Morning stiffness recorded absent at the visit",
                b.finding(f"{prefix}morning_stiffness.finding", "morning_stiffness", days=VISIT_DAYS),
            ),
        ),
    )


def acute_phase_2011(prefix: str = "") -> ast.AllOf:
    not_jia = b.finding(
        f"{prefix}acute_phase_rise_not_jia",
        "acute_phase_rise_not_jia",
        days=LAB_DAYS,
        label="Raised ESR/CRP attributed by the clinician to a cause other than JIA",
    )
    return acute_phase_normal(
        prefix,
        "ESR or CRP within normal limits where tested, or if elevated not attributable to JIA",
        b.any_of(f"{prefix}esr_ok", "ESR normal, or raised but not attributable to JIA", esr_normal(prefix), not_jia),
        b.any_of(f"{prefix}crp_ok", "CRP normal, or raised but not attributable to JIA", crp_normal(prefix), not_jia),
    )


@functools.cache
def cid_rule(prefix: str = "", node_id: str = "rule") -> ast.AllOf:
    """The 2011 clinical-inactive-disease tree; ``prefix`` namespaces its node ids
    when it is embedded in another definition (the remission states). Cached, so
    that both remission states embed the very same tree and ``evaluate_all`` can
    share its per-visit evaluations between them."""
    return b.all_of(
        node_id,
        "Clinical inactive disease (ACR 2011): all items",
        no_active_arthritis(prefix),
        no_systemic_features(prefix),
        no_uveitis(prefix, "No active uveitis (SUN definition)"),
        acute_phase_2011(prefix),
        physician_global_best(prefix),
        morning_stiffness_ok(prefix),
    )


CRITERION = ast.Criterion(
    id="acr_cid_2011",
    version="1.0.0",
    title="Clinical inactive disease in JIA (ACR 2011 provisional criteria, Wallace 2011)",
    kind=ast.Kind.STATE,
    citation=ast.Citation(
        "Wallace CA, Giannini EH, Huang B, Itert L, Ruperto N. American College of Rheumatology provisional "
        "criteria for defining clinical inactive disease in select categories of juvenile idiopathic arthritis. "
        "Arthritis Care Res 2011;63(7):929-936",
        doi="10.1002/acr.20497",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia",),
    status_meaning="clinical inactive disease (all items met at the visit)",
    description=__doc__ or "",
    caveats=(
        f"Windows are remit's choice: findings, active joint count, physician global and morning stiffness on "
        f"the visit day; ESR and CRP the latest value within {LAB_DAYS} days up to the visit.",
        "'Attributable to JIA' cannot be judged from data: a systemic feature recorded present at the visit "
        "counts against inactive disease. A raised ESR/CRP counts only if the clinician records it as not "
        "attributable to JIA (finding acute_phase_rise_not_jia); otherwise the result is indeterminate.",
        "ESR/CRP 'within normal limits' is judged against the reference range stored with each value (upper "
        "limit) or the laboratory's normal/high flag; a value without a reference range cannot be judged.",
        "Uveitis: remit records the clinician's 'active uveitis' finding; the SUN grading itself is not stored.",
        "The active joint count decides when recorded; arthritis recorded absent is used only when no joint "
        "count is recorded at the visit. Morning stiffness recorded absent counts as 0 min only when no "
        "duration is recorded.",
        "Physician global: the best score on remit's 0-10 scale is 0.",
    ),
    rule=cid_rule(),
)
