"""2016 EULAR/ACR/PRINTO classification criteria for macrophage activation
syndrome complicating systemic JIA (criteria.md §4).

A febrile patient with known or suspected sJIA is classified as having MAS if
ferritin > 684 ng/mL and at least 2 of: platelets ≤ 181 ×10⁹/L, AST > 48 U/L,
triglycerides > 156 mg/dL, fibrinogen ≤ 360 mg/dL.

Look-back windows are remit's choice (the criteria give none): labs within the
3 days up to the index date (the latest value counts), fever within the same
3 days. Missing data follow the specification's recommended logic: missing
ferritin or fever → indeterminate; ferritin ≤ 684 → not met.
"""

from remit.rules import ast
from remit.rules import builders as b

LAB_DAYS = 3

CRITERION = ast.Criterion(
    id="mas_2016",
    version="1.0.0",
    title="2016 EULAR/ACR/PRINTO classification criteria for MAS complicating sJIA",
    kind=ast.Kind.CLASSIFICATION,
    citation=ast.Citation(
        "Ravelli A, Minoia F, Davì S, et al. 2016 classification criteria for macrophage activation syndrome "
        "complicating systemic juvenile idiopathic arthritis: a EULAR/ACR/PRINTO collaborative initiative. "
        "Ann Rheum Dis 2016;75(3):481-489 (also Arthritis Rheumatol 2016;68(3):566-576, doi:10.1002/art.39332)",
        doi="10.1136/annrheumdis-2015-208982",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia", "mas"),
    description=__doc__ or "",
    caveats=(
        "Footnote (wording unverified): the laboratory abnormalities should not be otherwise explained "
        "(immune thrombocytopenia, infectious hepatitis, visceral leishmaniasis, familial hyperlipidaemia).",
        "A classification criterion for research; the diagnosis of MAS remains the attending physician's.",
        f"Look-back windows are remit's choice: labs and fever within {LAB_DAYS} days up to the index date.",
    ),
    rule=b.all_of(
        "rule",
        "Febrile, known or suspected sJIA, ferritin > 684 ng/mL and ≥ 2 of 4 laboratory items",
        b.finding("febrile", "fever", days=LAB_DAYS, label="Febrile"),
        b.any_of(
            "sjia",
            "Known or suspected systemic JIA",
            ast.HasCondition("sjia.diagnosis", "sJIA diagnosis recorded", "sjia"),
        ),
        b.lab("ferritin", "ferritin", ">", 684, "ng/mL", days=LAB_DAYS),
        b.at_least(
            "labs",
            "At least 2 of 4 laboratory items",
            2,
            b.lab("platelets", "platelets", "<=", 181, "10*9/L", days=LAB_DAYS),
            b.lab("ast", "ast", ">", 48, "U/L", days=LAB_DAYS),
            b.lab("triglycerides", "triglycerides", ">", 156, "mg/dL", days=LAB_DAYS),
            b.lab("fibrinogen", "fibrinogen", "<=", 360, "mg/dL", days=LAB_DAYS),
        ),
    ),
)
