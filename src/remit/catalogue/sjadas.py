"""Systemic JADAS, 10-joint ESR version (sJADAS10; criteria.md §10).

sJADAS10 = JADAS10 (physician global + parent/patient global + active joint
count capped at 10 + normalised ESR) + Systemic Manifestation Score (SMS,
0-10); range 0-50.

SMS, modified version of Rosina 2024 (the version implemented):

* fever, by the maximum body temperature in the window: > 37.5-38 °C 1,
  > 38-39 °C 2, > 39-40 °C 3, > 40 °C 4;
* evanescent erythematous rash 1;
* generalised lymphadenopathy (> 3 lymph-node stations) 1;
* hepatomegaly and/or splenomegaly 1;
* serositis (pleuritis, pericarditis or peritonitis) 1;
* anaemia, haemoglobin < 9 g/dL 1;
* platelets > 600 ×10⁹/L or ferritin > 500 ng/mL 1.

Status: inactive disease, sJADAS10 ≤ 2.9 (Rosina 2024). Bands (Rosina 2024):
ID ≤ 2.9, MiDA > 2.9-≤ 10, MoDA > 10-≤ 20.6, HDA > 20.6.

Windows are remit's choice: the JADAS10 items as in ``jadas10`` (globals and
joint count on the visit day, ESR within 7 days); every SMS item within the 7
days up to the index date — the maximum temperature recorded (observations
and the temperature carried by fever findings), any record of a feature as
present, the latest laboratory values. An unrecorded SMS item counts as its
range (0 or its points; fever 0-4), so the score is reported as bounds.
"""

from remit.catalogue.jadas10 import jadas_total
from remit.rules import ast
from remit.rules import builders as b

SMS_DAYS = 7
INACTIVE_MAX = 2.9

ROSINA_2024 = "Rosina S, et al. Arthritis Rheumatol 2024 (doi:10.1002/art.42865)"


def _feature(node_id: str, kind: str, label: str) -> ast.HasFinding:
    return b.finding(node_id, kind, days=SMS_DAYS, label=label)


def systemic_manifestation_score() -> ast.Points:
    tmax = b.measure(
        "sms.temperature", "temperature", days=SMS_DAYS, reduce=ast.Reduce.MAX, label="Maximum body temperature"
    )
    return b.points(
        "sms",
        "Systemic Manifestation Score (modified, Rosina 2024)",
        b.domain(
            "sms.fever",
            "Fever (maximum temperature)",
            b.option(4, b.compare("sms.fever.gt40", tmax, ">", 40, "Cel")),
            b.option(3, b.compare("sms.fever.gt39", tmax, ">", 39, "Cel")),
            b.option(2, b.compare("sms.fever.gt38", tmax, ">", 38, "Cel")),
            b.option(1, b.compare("sms.fever.gt37_5", tmax, ">", 37.5, "Cel")),
        ),
        b.domain(
            "sms.rash",
            "Evanescent erythematous rash",
            b.option(1, _feature("sms.rash.present", "evanescent_rash", "Evanescent erythematous rash")),
        ),
        b.domain(
            "sms.lymphadenopathy",
            "Generalised lymphadenopathy (> 3 lymph-node stations)",
            b.option(
                1, _feature("sms.lymphadenopathy.present", "generalised_lymphadenopathy", "Generalised lymphadenopathy")
            ),
        ),
        b.domain(
            "sms.organomegaly",
            "Hepatomegaly and/or splenomegaly",
            b.option(
                1,
                b.any_of(
                    "sms.organomegaly.present",
                    "Hepatomegaly and/or splenomegaly",
                    _feature("sms.hepatomegaly", "hepatomegaly", "Hepatomegaly"),
                    _feature("sms.splenomegaly", "splenomegaly", "Splenomegaly"),
                ),
            ),
        ),
        b.domain(
            "sms.serositis",
            "Serositis (pleuritis, pericarditis or peritonitis)",
            b.option(1, _feature("sms.serositis.present", "serositis", "Serositis")),
        ),
        b.domain(
            "sms.anaemia",
            "Anaemia (haemoglobin < 9 g/dL)",
            b.option(1, b.lab("sms.anaemia.hb", "haemoglobin", "<", 9, "g/dL", days=SMS_DAYS)),
        ),
        b.domain(
            "sms.platelets_ferritin",
            "Platelets > 600 ×10⁹/L or ferritin > 500 ng/mL",
            b.option(
                1,
                b.any_of(
                    "sms.platelets_ferritin.present",
                    "Platelets > 600 ×10⁹/L or ferritin > 500 ng/mL",
                    b.lab("sms.platelets", "platelets", ">", 600, "10*9/L", days=SMS_DAYS),
                    b.lab("sms.ferritin", "ferritin", ">", 500, "ng/mL", days=SMS_DAYS),
                ),
            ),
        ),
    )


SCORE = jadas_total("sJADAS10", 10, extra=(systemic_manifestation_score(),))

CRITERION = ast.Criterion(
    id="sjadas",
    version="1.0.0",
    title="sJADAS10 (systemic Juvenile Arthritis Disease Activity Score, ESR version)",
    kind=ast.Kind.ACTIVITY,
    citation=ast.Citation(
        "Tibaldi J, et al. Development and initial validation of a composite disease activity score for systemic "
        "juvenile idiopathic arthritis. Rheumatology (Oxford) 2020;59(11):3505-3514; modified SMS and cut-offs: "
        f"{ROSINA_2024}",
        doi="10.1093/rheumatology/keaa240",
    ),
    verification=ast.Verification.CONFLICT,
    applies_to=("sjia",),
    score=SCORE,
    score_unit="points",
    bands=(
        ast.Band("inactive disease", b.op("<="), INACTIVE_MAX),
        ast.Band("minimal disease activity", b.op("<="), 10),
        ast.Band("moderate disease activity", b.op("<="), 20.6),
        ast.Band("high disease activity", b.op(">"), 20.6),
    ),
    bands_source=f"{ROSINA_2024}: ID ≤ 2.9, MiDA > 2.9-≤ 10, MoDA > 10-≤ 20.6, HDA > 20.6",
    status_meaning="inactive disease: sJADAS10 ≤ 2.9 (Rosina 2024 cut-off)",
    description=__doc__ or "",
    caveats=(
        "[CONFLICT] The Systemic Manifestation Score is the modified version of Rosina 2024; the original 2020 "
        "SMS (Tibaldi) may weight items differently (criteria.md §10). Scores are not comparable across versions.",
        f"[UNVERIFIED] The reference period for fever is not stated in the sources read; remit uses the maximum "
        f"temperature recorded in the {SMS_DAYS} days up to the index date.",
        f"Windows are remit's choice: globals and active joint count on the visit day; ESR and every SMS item "
        f"within {SMS_DAYS} days up to the index date.",
        "Generalised lymphadenopathy is the clinician's 'generalised lymph-node enlargement' finding; the "
        "'> 3 lymph-node stations' definition is not checked.",
        "An unrecorded item counts as its whole range (globals 0-10, joint count 0-71, ESR 0-200 mm/h, each SMS "
        "item 0 to its points): the score is then reported as bounds. Record a temperature to score fever.",
    ),
    rule=b.compare(
        "inactive", SCORE, "<=", INACTIVE_MAX, "points", label="sJADAS10 ≤ 2.9 (inactive disease, Rosina 2024)"
    ),
)
