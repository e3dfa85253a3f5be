"""MH score: primary haemophagocytic lymphohistiocytosis vs macrophage
activation syndrome in sJIA (Minoia 2017; criteria.md §6c).

Points: age at onset ≤ 1.6 years 37; neutrophils ≤ 1.4 ×10⁹/L 37; fibrinogen
≤ 131 mg/dL 15; splenomegaly 12; platelets ≤ 78 ×10⁹/L 11; haemoglobin
≤ 8.3 g/dL 11. Range 0-123; a score ≥ 60 favours primary HLH, below 60 favours
MAS.

How remit reads the record:

* Age at onset: age at the onset of the recorded MAS (haemophagocytic)
  episode; age at the index date ≤ 1.6 years also proves it, since the onset
  cannot be later than the index date.
* Look-back windows: laboratory values within the 3 days up to the index date
  (the latest counts) and splenomegaly within the same 3 days.
* Missing items are reported as score bounds.
"""

from remit.rules import ast
from remit.rules import builders as b

DAYS = 3
CUT_OFF = 60

_SCORE = b.points(
    "score",
    "MH score",
    b.domain(
        "age",
        "Age at onset ≤ 1.6 years → 37",
        b.option(
            37,
            b.any_of(
                "age.young",
                "Age at onset ≤ 1.6 years",
                b.compare(
                    "age.at_onset",
                    ast.Age("age.at_onset.value", "Age at MAS onset", condition="mas"),
                    "<=",
                    1.6,
                    "a",
                    label="Age at MAS onset ≤ 1.6 years",
                ),
                b.compare(
                    "age.now",
                    ast.Age("age.now.value", "Age at the index date"),
                    "<=",
                    1.6,
                    "a",
                    label="Age at the index date ≤ 1.6 years",
                ),
            ),
        ),
    ),
    b.domain(
        "neutrophils",
        "Neutrophil count ≤ 1.4 ×10⁹/L → 37",
        b.option(
            37,
            b.lab("neutrophils.low", "neutrophils", "<=", 1.4, "10*9/L", days=DAYS, label="Neutrophils ≤ 1.4 ×10⁹/L"),
        ),
    ),
    b.domain(
        "fibrinogen",
        "Fibrinogen ≤ 131 mg/dL → 15",
        b.option(
            15, b.lab("fibrinogen.low", "fibrinogen", "<=", 131, "mg/dL", days=DAYS, label="Fibrinogen ≤ 131 mg/dL")
        ),
    ),
    b.domain(
        "splenomegaly",
        "Splenomegaly → 12",
        b.option(12, b.finding("splenomegaly.present", "splenomegaly", days=DAYS)),
    ),
    b.domain(
        "platelets",
        "Platelet count ≤ 78 ×10⁹/L → 11",
        b.option(11, b.lab("platelets.low", "platelets", "<=", 78, "10*9/L", days=DAYS, label="Platelets ≤ 78 ×10⁹/L")),
    ),
    b.domain(
        "haemoglobin",
        "Haemoglobin ≤ 8.3 g/dL → 11",
        b.option(
            11, b.lab("haemoglobin.low", "haemoglobin", "<=", 8.3, "g/dL", days=DAYS, label="Haemoglobin ≤ 8.3 g/dL")
        ),
    ),
)

CRITERION = ast.Criterion(
    id="mh_score_2017",
    version="1.0.0",
    title="MH score (primary HLH vs MAS in sJIA)",
    kind=ast.Kind.SCORE,
    citation=ast.Citation(
        "Minoia F, Bovis F, Davì S, et al. Development and initial validation of the macrophage activation "
        "syndrome/primary hemophagocytic lymphohistiocytosis score, a diagnostic tool that differentiates "
        "primary hemophagocytic lymphohistiocytosis from macrophage activation syndrome. "
        "J Pediatr 2017;189:72-78.e3",
        doi="10.1016/j.jpeds.2017.06.005",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia", "mas"),
    score=_SCORE,
    status_meaning=f"MH score ≥ {CUT_OFF}: favours primary HLH over MAS (not met: favours MAS)",
    description=__doc__ or "",
    caveats=(
        "The DOI is unverified (criteria.md §6c). The cut-off and its sensitivity/specificity (91%/93%) come "
        "from a secondary summary of the paper.",
        "A diagnostic score to separate primary HLH from sJIA-associated MAS; not a diagnosis, and not a "
        "substitute for genetic testing.",
        "Age at onset is the age at the onset of the recorded MAS diagnosis (the haemophagocytic episode); an "
        "age at the index date ≤ 1.6 years also counts. Without either the age item is unknown (score bounds).",
        f"Look-back windows (remit's choice): laboratory values within {DAYS} days up to the index date (the "
        f"latest counts) and splenomegaly within the same {DAYS} days.",
    ),
    rule=b.compare("cut_off", _SCORE, ">=", CUT_OFF, "points", label=f"MH score ≥ {CUT_OFF}"),
)
