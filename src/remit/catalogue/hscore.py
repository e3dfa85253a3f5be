"""HScore for reactive haemophagocytic syndrome (Fardet 2014; criteria.md §6b).

Points: known underlying immunosuppression 18; temperature < 38.4 °C 0,
38.4-39.4 °C 33, > 39.4 °C 49; organomegaly: hepatomegaly or splenomegaly 23,
both 38; cytopenias (Hb ≤ 9.2 g/dL, WBC ≤ 5.0 ×10⁹/L, platelets ≤ 110 ×10⁹/L):
≤ 1 lineage 0, 2 lineages 24, 3 lineages 34; ferritin < 2000 ng/mL 0,
2000-6000 35, > 6000 50; triglycerides < 1.5 mmol/L 0, 1.5-4 mmol/L 44,
> 4 mmol/L 64; fibrinogen ≤ 2.5 g/L 30; AST ≥ 30 U/L 19; haemophagocytosis on
bone-marrow aspirate 35. Range 0-337; cut-off ≥ 169. The category is the
published probability of haemophagocytic syndrome for the table row at or below
the score.

How remit reads the record:

* Look-back windows: laboratory values within the 3 days up to the index date
  (the latest counts), temperature the highest recorded in those 3 days,
  immunosuppression and organomegaly findings within the same 3 days; the
  bone-marrow aspirate within 28 days.
* Missing items are not scored 0: the score is reported as bounds, the lower
  bound counting only items known to score and the upper bound also every
  unknown item at its maximum. A bone-marrow aspirate that was not done widens
  the upper bound by 35; the lower bound is the conventional calculator score.
"""

from remit.rules import ast
from remit.rules import builders as b

DAYS = 3
MARROW_DAYS = 28
CUT_OFF = 169

_TEMPERATURE = b.measure(
    "temperature.value", "temperature", days=DAYS, reduce=ast.Reduce.MAX, label="Highest temperature"
)
_FERRITIN = b.measure("ferritin.value", "ferritin", days=DAYS)
_TG = b.measure("triglycerides.value", "triglycerides", days=DAYS)
_HEPATOMEGALY = b.finding("organomegaly.hepatomegaly", "hepatomegaly", days=DAYS)
_SPLENOMEGALY = b.finding("organomegaly.splenomegaly", "splenomegaly", days=DAYS)
_LINEAGES = (
    b.lab("cytopenias.hb", "haemoglobin", "<=", 9.2, "g/dL", days=DAYS, label="Haemoglobin ≤ 9.2 g/dL"),
    b.lab("cytopenias.wbc", "wbc", "<=", 5.0, "10*9/L", days=DAYS, label="Leukocytes ≤ 5.0 ×10⁹/L"),
    b.lab("cytopenias.platelets", "platelets", "<=", 110, "10*9/L", days=DAYS, label="Platelets ≤ 110 ×10⁹/L"),
)

_SCORE = b.points(
    "score",
    "HScore",
    b.domain(
        "immunosuppression",
        "Known underlying immunosuppression",
        b.option(
            18,
            b.finding(
                "immunosuppression.present",
                "immunosuppression",
                days=DAYS,
                label="Known underlying immunosuppression (HIV, long-term immunosuppressive therapy)",
            ),
        ),
    ),
    b.domain(
        "temperature",
        "Temperature (°C): < 38.4 → 0, 38.4-39.4 → 33, > 39.4 → 49",
        b.option(
            49, b.compare("temperature.above_39_4", _TEMPERATURE, ">", 39.4, "Cel", label="Temperature > 39.4 °C")
        ),
        b.option(
            33,
            b.compare(
                "temperature.from_38_4", _TEMPERATURE, ">=", 38.4, "Cel", label="Temperature ≥ 38.4 °C (38.4-39.4)"
            ),
        ),
    ),
    b.domain(
        "organomegaly",
        "Organomegaly: hepatomegaly or splenomegaly → 23, both → 38",
        b.option(38, b.all_of("organomegaly.both", "Hepatomegaly and splenomegaly", _HEPATOMEGALY, _SPLENOMEGALY)),
        b.option(23, b.any_of("organomegaly.either", "Hepatomegaly or splenomegaly", _HEPATOMEGALY, _SPLENOMEGALY)),
    ),
    b.domain(
        "cytopenias",
        "Number of cytopenias: ≤ 1 lineage → 0, 2 → 24, 3 → 34",
        b.option(34, b.at_least("cytopenias.three", "3 lineages", 3, *_LINEAGES)),
        b.option(24, b.at_least("cytopenias.two", "2 lineages", 2, *_LINEAGES)),
    ),
    b.domain(
        "ferritin",
        "Ferritin (ng/mL): < 2000 → 0, 2000-6000 → 35, > 6000 → 50",
        b.option(50, b.compare("ferritin.above_6000", _FERRITIN, ">", 6000, "ng/mL", label="Ferritin > 6000 ng/mL")),
        b.option(
            35,
            b.compare("ferritin.from_2000", _FERRITIN, ">=", 2000, "ng/mL", label="Ferritin ≥ 2000 ng/mL (2000-6000)"),
        ),
    ),
    b.domain(
        "triglycerides",
        "Triglycerides (mmol/L): < 1.5 → 0, 1.5-4 → 44, > 4 → 64",
        b.option(64, b.compare("triglycerides.above_4", _TG, ">", 4, "mmol/L", label="Triglycerides > 4 mmol/L")),
        b.option(
            44,
            b.compare("triglycerides.from_1_5", _TG, ">=", 1.5, "mmol/L", label="Triglycerides ≥ 1.5 mmol/L (1.5-4)"),
        ),
    ),
    b.domain(
        "fibrinogen",
        "Fibrinogen ≤ 2.5 g/L → 30",
        b.option(30, b.lab("fibrinogen.low", "fibrinogen", "<=", 2.5, "g/L", days=DAYS, label="Fibrinogen ≤ 2.5 g/L")),
    ),
    b.domain(
        "ast",
        "AST ≥ 30 U/L → 19",
        b.option(19, b.lab("ast.high", "ast", ">=", 30, "U/L", days=DAYS, label="AST ≥ 30 U/L")),
    ),
    b.domain(
        "marrow",
        "Haemophagocytosis on bone-marrow aspirate → 35",
        b.option(
            35,
            b.finding(
                "marrow.haemophagocytosis",
                "haemophagocytosis",
                days=MARROW_DAYS,
                label="Haemophagocytosis on bone-marrow aspirate",
                attributes=(ast.AttributeTest("site", "==", "bone marrow"),),
            ),
        ),
    ),
)

# The published probability table (Fardet 2014): each row is "HScore -> P(HS)".
# A score between rows takes the row at or below it; no interpolation.
_PROBABILITY_ROWS = (
    (250, ">99%"),
    (240, "99%"),
    (230, "98%"),
    (220, "96%"),
    (210, "93%"),
    (200, "88%"),
    (190, "80%"),
    (180, "70%"),
    (170, "54%"),
    (160, "40%"),
    (150, "25%"),
    (140, "16%"),
    (130, "9%"),
    (120, "5%"),
    (110, "3%"),
    (100, "1%"),
    (0, "<1%"),
)

CRITERION = ast.Criterion(
    id="hscore",
    version="1.0.0",
    title="HScore for reactive haemophagocytic syndrome",
    kind=ast.Kind.SCORE,
    citation=ast.Citation(
        "Fardet L, Galicier L, Lambotte O, et al. Development and validation of the HScore, a score for the "
        "diagnosis of reactive hemophagocytic syndrome. Arthritis Rheumatol 2014;66(9):2613-2620",
        doi="10.1002/art.38690",
    ),
    verification=ast.Verification.VERIFIED,
    applies_to=("sjia", "mas"),
    score=_SCORE,
    bands=tuple(ast.Band(label, b.op(">="), threshold) for threshold, label in _PROBABILITY_ROWS),
    bands_source=(
        "Fardet 2014 probability table (probability of haemophagocytic syndrome): ≤ 90 <1%, 100 1%, 110 3%, "
        "120 5%, 130 9%, 140 16%, 150 25%, 160 40%, 170 54%, 180 70%, 190 80%, 200 88%, 210 93%, 220 96%, "
        "230 98%, 240 99%, ≥ 250 >99%. A score between rows is given the row at or below it (no interpolation)."
    ),
    status_meaning=f"HScore ≥ {CUT_OFF} (cut-off for reactive haemophagocytic syndrome)",
    description=__doc__ or "",
    caveats=(
        "Developed in adults with reactive haemophagocytic syndrome; in sJIA-MAS it is less specific than the "
        "MAS-specific tools. Not a diagnosis.",
        'Temperature < 38.4 °C scores 0, so 38.4 °C scores 33 (one web tool\'s "≤ 38.4 = 0" is wrong). '
        "Cytopenias: 0 or 1 lineage score 0, 2 lineages 24, 3 lineages 34.",
        "Triglyceride bands are applied in mmol/L (1.5 and 4 mmol/L = 132.9 and 354.3 mg/dL); the rounded "
        "150/400 mg/dL of one table is not used.",
        "Missing items are reported as score bounds, never scored 0 silently: a bone-marrow aspirate not done "
        "(conventionally scored 0 by calculators; whether the paper says so is unverified) leaves the lower "
        "bound at the conventional score and raises the upper bound by 35.",
        "Probability category: the published table row at or below the score (e.g. 175 → 54%, the row for "
        "170); no interpolation between rows, so the category understates the probability of a score between "
        "rows. Logistic or interpolated probability curves from public calculators are not used.",
        f"Look-back windows (remit's choice): laboratory values within {DAYS} days up to the index date (the "
        f"latest counts), the highest temperature and the immunosuppression and organomegaly findings within "
        f"the same {DAYS} days, the bone-marrow aspirate (haemophagocytosis finding with site = bone marrow) "
        f"within {MARROW_DAYS} days.",
    ),
    rule=b.compare("cut_off", _SCORE, ">=", CUT_OFF, "points", label=f"HScore ≥ {CUT_OFF}"),
)
