"""Preliminary diagnostic guidelines for macrophage activation syndrome
complicating systemic JIA, Ravelli 2005 (criteria.md §3).

Laboratory criteria: platelets < 262 ×10⁹/L (≤ 262 in the recalled primary:
disputed), AST > 59 U/L, WBC ≤ 4.0 ×10⁹/L, fibrinogen ≤ 2.5 g/L. Clinical
criteria: CNS dysfunction (headache, seizures, coma, irritability, lethargy),
haemorrhages (mucosal bleeding, bruising, purpura), hepatomegaly ≥ 3 cm below
the costal margin.

The applied rule (multinational 362-patient cohort): at least 2 laboratory
criteria, or at least 1 laboratory and 1 clinical criterion. The printed rule
("≥ 2 clinical and/or laboratory criteria") also admits 2 clinical criteria
without any laboratory criterion; that case is flagged INDETERMINATE, as the
specification directs.

How remit reads the record:

* Look-back window: laboratory values within the 3 days up to the index date
  (the latest counts); clinical findings within the same 3 days.
* Hepatomegaly ≥ 3 cm: a hepatomegaly finding present whose value (liver edge
  below the costal margin, dated at the start of the finding) is ≥ 3 cm. A
  hepatomegaly recorded absent is not met; present without a size is
  indeterminate.
* The "clinical-only" flag is a boundary-disputed comparison: it is
  indeterminate when at least 2 clinical criteria are met (whatever the
  laboratory items), and not met otherwise. When a laboratory criterion is also
  met the applied rule is met anyway.
"""

from remit.rules import ast
from remit.rules import builders as b

DAYS = 3

_LAB = (
    b.lab(
        "lab.platelets",
        "platelets",
        "<",
        262,
        "10*9/L",
        days=DAYS,
        boundary_conflict=True,
        label="Decreased platelet count (< 262 ×10⁹/L; ≤ 262 disputed)",
    ),
    b.lab("lab.ast", "ast", ">", 59, "U/L", days=DAYS, label="Elevated AST (> 59 U/L)"),
    b.lab("lab.wbc", "wbc", "<=", 4.0, "10*9/L", days=DAYS, label="Decreased WBC (≤ 4.0 ×10⁹/L)"),
    b.lab("lab.fibrinogen", "fibrinogen", "<=", 2.5, "g/L", days=DAYS, label="Hypofibrinogenaemia (≤ 2.5 g/L)"),
)

_CLINICAL = (
    b.finding(
        "clinical.cns",
        "cns_dysfunction",
        days=DAYS,
        label="CNS dysfunction (headache, seizures, coma, irritability, lethargy)",
    ),
    b.finding(
        "clinical.haemorrhage", "haemorrhage", days=DAYS, label="Haemorrhages (mucosal bleeding, bruising, purpura)"
    ),
    b.all_of(
        "clinical.hepatomegaly",
        "Hepatomegaly ≥ 3 cm below the costal margin",
        b.finding("clinical.hepatomegaly.present", "hepatomegaly", days=DAYS),
        b.lab(
            "clinical.hepatomegaly.size",
            "liver_below_costal_margin",
            ">=",
            3,
            "cm",
            days=DAYS,
            label="Liver edge ≥ 3 cm below the costal margin",
        ),
    ),
)

_ONE_LAB = b.at_least("one_lab", "At least 1 laboratory criterion", 1, *_LAB)
_TWO_CLINICAL = b.at_least("two_clinical", "At least 2 clinical criteria", 2, *_CLINICAL)

CRITERION = ast.Criterion(
    id="mas_ravelli_2005",
    version="1.0.0",
    title="Preliminary diagnostic guidelines for MAS complicating sJIA (Ravelli 2005)",
    kind=ast.Kind.DIAGNOSTIC,
    citation=ast.Citation(
        "Ravelli A, Magni-Manzoni S, Pistorio A, et al. Preliminary diagnostic guidelines for macrophage "
        "activation syndrome complicating systemic juvenile idiopathic arthritis. "
        "J Pediatr 2005;146(5):598-604",
        doi="10.1016/j.jpeds.2004.12.016",
    ),
    verification=ast.Verification.CONFLICT,
    applies_to=("sjia", "mas"),
    status_meaning="MAS guideline met (≥ 2 laboratory, or ≥ 1 laboratory and ≥ 1 clinical criterion)",
    description=__doc__ or "",
    caveats=(
        "The DOI is unverified (criteria.md §3).",
        "Preliminary diagnostic guidelines, not validated as classification criteria; superseded for research "
        "by the 2016 EULAR/ACR/PRINTO criteria (mas_2016). Meant for patients with sJIA; not a diagnosis.",
        "Item thresholds and clinical items are verified in one reproduction of the 2005 table (PMC4860549).",
        'Platelets [CONFLICT]: two sources print "< 262 ×10⁹/L", the recalled primary "≤ 262" '
        "(unverified). remit applies < 262 and flags a count of exactly 262 as indeterminate.",
        'Rule [CONFLICT]: the printed "≥ 2 clinical and/or laboratory criteria" would also admit 2 clinical '
        "criteria without a laboratory criterion; the applied rule (≥ 2 laboratory, or ≥ 1 laboratory + ≥ 1 "
        "clinical) is implemented, and a clinical-only result (≥ 2 clinical, no laboratory criterion) is "
        "INDETERMINATE.",
        'CNS dysfunction is the `cns_dysfunction` finding; "disorientation" (recalled primary wording, '
        "unverified) is not distinguished from the listed features. The histopathology note (marrow "
        'haemophagocytosis "may be required only in doubtful cases") and the footnotes (more useful in '
        "active sJIA; laboratory thresholds are examples only) are unverified and not applied.",
        f"Look-back windows (remit's choice): laboratory values within {DAYS} days up to the index date (the "
        f"latest counts) and clinical findings within the same {DAYS} days. The liver size is the value of the "
        "hepatomegaly finding, dated at its start.",
    ),
    rule=b.any_of(
        "rule",
        "≥ 2 laboratory criteria, or ≥ 1 laboratory and ≥ 1 clinical criterion",
        b.at_least("two_lab", "At least 2 laboratory criteria", 2, *_LAB),
        b.all_of(
            "lab_and_clinical",
            "At least 1 laboratory and 1 clinical criterion",
            _ONE_LAB,
            b.at_least("one_clinical", "At least 1 clinical criterion", 1, *_CLINICAL),
        ),
        b.compare(
            "clinical_only",
            b.indicator("clinical_only.pair", _TWO_CLINICAL, label="At least 2 clinical criteria (1 = yes)"),
            ">=",
            1,
            "1",
            label=(
                "≥ 2 clinical criteria: the printed rule admits them without a laboratory criterion, "
                "the applied rule does not (sources disagree: indeterminate)"
            ),
            boundary_conflict=True,
        ),
    ),
)
