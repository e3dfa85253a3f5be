"""MS score: macrophage activation syndrome vs active systemic JIA
(Minoia 2019; criteria.md §6a).

MS = 2.44 × CNS involvement + 1.54 × haemorrhagic manifestations
− 1.30 × active arthritis − 0.003 × platelets (×10⁹/L) + 0.001 × LDH (U/L)
− 0.004 × fibrinogen (mg/dL) + 0.0001 × ferritin (ng/mL).

Clinical variables are 1 if present and 0 if absent; laboratory values enter
raw in the units shown (fibrinogen entered in g/L is converted to mg/dL on
input). In a febrile patient with known or suspected sJIA, MAS is considered
if MS ≥ −2.1.

How remit reads the record:

* Look-back window: laboratory values within the 3 days up to the index date
  (the latest counts); CNS involvement, haemorrhage, active arthritis and fever
  within the same 3 days.
* Missing data: a missing laboratory value leaves the score unknown
  (indeterminate). A clinical item not recorded enters as [0, 1], so the score
  becomes an interval; the result is reported only when the whole interval lies
  on one side of the cut-off, otherwise it is indeterminate and the item is
  named as a decisive unknown.
"""

from remit.rules import ast
from remit.rules import builders as b

DAYS = 3

_SCORE = b.total(
    "score",
    "MS score",
    b.weighted(
        "score.cns",
        "2.44 × CNS involvement",
        2.44,
        b.indicator("score.cns.present", b.finding("cns", "cns_dysfunction", days=DAYS, label="CNS involvement")),
    ),
    b.weighted(
        "score.haemorrhage",
        "1.54 × haemorrhagic manifestations",
        1.54,
        b.indicator(
            "score.haemorrhage.present",
            b.finding("haemorrhage", "haemorrhage", days=DAYS, label="Haemorrhagic manifestations"),
        ),
    ),
    b.weighted(
        "score.arthritis",
        "−1.30 × active arthritis",
        -1.30,
        b.indicator(
            "score.arthritis.present", b.finding("arthritis", "arthritis", days=DAYS, label="Active arthritis")
        ),
    ),
    b.weighted(
        "score.platelets", "−0.003 × platelets (×10⁹/L)", -0.003, b.measure("platelets", "platelets", days=DAYS)
    ),
    b.weighted("score.ldh", "0.001 × LDH (U/L)", 0.001, b.measure("ldh", "ldh", days=DAYS)),
    b.weighted(
        "score.fibrinogen", "−0.004 × fibrinogen (mg/dL)", -0.004, b.measure("fibrinogen", "fibrinogen", days=DAYS)
    ),
    b.weighted("score.ferritin", "0.0001 × ferritin (ng/mL)", 0.0001, b.measure("ferritin", "ferritin", days=DAYS)),
)

CRITERION = ast.Criterion(
    id="ms_score_2019",
    version="1.0.0",
    title="MS score (MAS vs active sJIA)",
    kind=ast.Kind.SCORE,
    citation=ast.Citation(
        "Minoia F, Bovis F, Davì S, et al. Development and initial validation of the MS score for diagnosis of "
        "macrophage activation syndrome in systemic juvenile idiopathic arthritis. "
        "Ann Rheum Dis 2019;78(10):1357-1362",
        doi="10.1136/annrheumdis-2019-215211",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia", "mas"),
    score=_SCORE,
    status_meaning="febrile, known or suspected sJIA, and MS score ≥ −2.1: MAS to be considered",
    description=__doc__ or "",
    caveats=(
        "A diagnostic score developed in sJIA (sensitivity 0.85, specificity 0.95 in the development "
        "cohort); not a diagnosis. The AOSD cut-off (≥ −1.74) is not used.",
        "Fibrinogen enters in mg/dL; values entered in g/L are converted on input (×100).",
        "Missing data (none published; criteria.md recommends requiring all 7 inputs): a missing laboratory "
        "value makes the score unknown and the result indeterminate. A clinical item that is not recorded "
        "enters as 0 or 1 (the score is then an interval); the result is definite only if both ends of the "
        "interval fall on the same side of −2.1.",
        f"Look-back windows (remit's choice): laboratory values within {DAYS} days up to the index date (the "
        f"latest counts); CNS involvement, haemorrhage, active arthritis (the `arthritis` finding) and fever "
        f"within the same {DAYS} days.",
    ),
    rule=b.all_of(
        "rule",
        "Febrile, known or suspected sJIA, and MS score ≥ −2.1",
        b.finding("febrile", "fever", days=DAYS, label="Febrile"),
        ast.HasCondition("sjia", "Known or suspected sJIA (diagnosis recorded)", "sjia"),
        b.compare("cut_off", _SCORE, ">=", -2.1, "1", label="MS score ≥ −2.1"),
    ),
)
