"""HLH-2004 diagnostic criteria for haemophagocytic lymphohistiocytosis
(Henter 2007; criteria.md §5).

HLH is diagnosed if (1) there is a molecular diagnosis consistent with HLH, or
(2) at least 5 of these 8 criteria are met: fever; splenomegaly; cytopenias
affecting ≥ 2 of 3 lineages (Hb < 90 g/L, infants < 4 weeks Hb < 100 g/L;
platelets < 100 ×10⁹/L; neutrophils < 1.0 ×10⁹/L); hypertriglyceridaemia
(fasting ≥ 3.0 mmol/L, ≥ 265 mg/dL) and/or hypofibrinogenaemia (≤ 1.5 g/L);
haemophagocytosis in bone marrow, spleen or lymph nodes; low or absent NK-cell
activity; ferritin ≥ 500 µg/L; soluble CD25 ≥ 2400 U/mL.

Missing data follow the specification: only assessed criteria count, and when
the met and unknown criteria together could reach 5 the result is
indeterminate.

How remit reads the record:

* Look-back windows: fever, splenomegaly and routine laboratory values
  (haemoglobin, platelets, neutrophils, triglycerides, fibrinogen, ferritin)
  within the 3 days up to the index date, the latest value counting;
  haemophagocytosis, NK-cell activity and sCD25 (specialist tests with a
  longer turnaround) within 28 days.
* Fever is a recorded fever finding, whatever its temperature (Henter's
  wording; the ≥ 38.5 °C variant is not applied).
* The molecular diagnosis is a genotype recorded as confirmatory in one of
  PRF1, UNC13D, STX11, STXBP2, RAB27A, LYST, SH2D1A or XIAP; an untested gene
  does not count (it never makes the result indeterminate).
"""

from remit.core.record import GenotypeClass
from remit.rules import ast
from remit.rules import builders as b

DAYS = 3
SPECIALIST_DAYS = 28
HLH_GENES = ("PRF1", "UNC13D", "STX11", "STXBP2", "RAB27A", "LYST", "SH2D1A", "XIAP")

_MOLECULAR = b.any_of(
    "molecular",
    "Molecular diagnosis consistent with HLH (confirmatory genotype on record)",
    *(
        ast.HasGenotype(
            f"molecular.{gene.lower()}",
            f"{gene} genotype confirmatory (untested counts as not found)",
            gene,
            (GenotypeClass.CONFIRMATORY,),
            absent=ast.Absent.FALSE_IF_COVERED,
        )
        for gene in HLH_GENES
    ),
)

_HB = b.measure("cytopenias.hb.value", "haemoglobin", days=DAYS)

_CYTOPENIAS = b.at_least(
    "cytopenias",
    "Cytopenias affecting ≥ 2 of 3 lineages",
    2,
    b.any_of(
        "cytopenias.hb",
        "Haemoglobin < 90 g/L (infants < 4 weeks: < 100 g/L)",
        b.compare("cytopenias.hb.any_age", _HB, "<", 90, "g/L", label="Haemoglobin < 90 g/L"),
        b.all_of(
            "cytopenias.hb.infant",
            "Infant < 4 weeks with haemoglobin < 100 g/L",
            b.compare(
                "cytopenias.hb.infant.age",
                ast.Age("cytopenias.hb.infant.age.value", "Age"),
                "<",
                4,
                "wk",
                label="Age < 4 weeks",
            ),
            b.compare("cytopenias.hb.infant.hb", _HB, "<", 100, "g/L", label="Haemoglobin < 100 g/L"),
        ),
    ),
    b.lab("cytopenias.platelets", "platelets", "<", 100, "10*9/L", days=DAYS, label="Platelets < 100 ×10⁹/L"),
    b.lab("cytopenias.neutrophils", "neutrophils", "<", 1.0, "10*9/L", days=DAYS, label="Neutrophils < 1.0 ×10⁹/L"),
)

_CRITERIA = (
    b.finding("fever", "fever", days=DAYS),
    b.finding("splenomegaly", "splenomegaly", days=DAYS),
    _CYTOPENIAS,
    b.any_of(
        "tg_fibrinogen",
        "Hypertriglyceridaemia and/or hypofibrinogenaemia",
        b.lab(
            "tg_fibrinogen.triglycerides",
            "triglycerides",
            ">=",
            265,
            "mg/dL",
            days=DAYS,
            label="Fasting triglycerides ≥ 3.0 mmol/L (≥ 265 mg/dL)",
        ),
        b.lab("tg_fibrinogen.fibrinogen", "fibrinogen", "<=", 1.5, "g/L", days=DAYS, label="Fibrinogen ≤ 1.5 g/L"),
    ),
    b.finding(
        "haemophagocytosis",
        "haemophagocytosis",
        days=SPECIALIST_DAYS,
        label="Haemophagocytosis in bone marrow, spleen or lymph nodes",
        attributes=(ast.AttributeTest("site", "in", ("bone marrow", "spleen", "lymph node")),),
    ),
    ast.HasResult(
        "nk_activity", "Low or absent NK-cell activity", "nk_activity", ("low", "negative"), b.window(SPECIALIST_DAYS)
    ),
    b.lab("ferritin", "ferritin", ">=", 500, "ug/L", days=DAYS, label="Ferritin ≥ 500 µg/L"),
    b.lab("scd25", "scd25", ">=", 2400, "U/mL", days=SPECIALIST_DAYS, label="Soluble CD25 ≥ 2400 U/mL"),
)

CRITERION = ast.Criterion(
    id="hlh_2004",
    version="1.0.0",
    title="HLH-2004 diagnostic criteria for haemophagocytic lymphohistiocytosis",
    kind=ast.Kind.DIAGNOSTIC,
    citation=ast.Citation(
        "Henter JI, Horne A, Aricó M, et al. HLH-2004: diagnostic and therapeutic guidelines for "
        "hemophagocytic lymphohistiocytosis. Pediatr Blood Cancer 2007;48(2):124-131",
        doi="10.1002/pbc.21039",
        pmid="16937360",
    ),
    verification=ast.Verification.CONFLICT,
    applies_to=("sjia", "mas"),
    status_meaning="HLH-2004 fulfilled (molecular diagnosis, or ≥ 5 of 8 criteria)",
    description=__doc__ or "",
    caveats=(
        "PMID 16937360 is unverified (criteria.md §5).",
        "Diagnostic guidelines for HLH; in sJIA-MAS they are less suited than the MAS-specific criteria. "
        "Not a diagnosis.",
        'Fever [CONFLICT]: Henter prints "fever" with no number; Jordan 2011 and others write ≥ 38.5 °C '
        "(HLH-94: peaks ≥ 38.5 °C for ≥ 7 days). remit follows Henter: any recorded fever finding counts.",
        'Haemophagocytosis [CONFLICT]: several adaptations add "or liver"; remit follows Henter (bone marrow, '
        "spleen or lymph nodes), so a finding with site = liver does not count and one without a site is "
        'indeterminate. "No evidence of malignancy" is not checked.',
        "Ferritin [CONFLICT]: adaptations write > 500 (and TG > 265 mg/dL, fibrinogen < 150 mg/dL); remit "
        "follows Henter: ferritin ≥ 500 µg/L, TG ≥ 265 mg/dL, fibrinogen ≤ 1.5 g/L. Cytopenia thresholds are "
        "strict (< 90 g/L, < 100 ×10⁹/L, < 1.0 ×10⁹/L).",
        "Triglycerides: Henter prints both ≥ 3.0 mmol/L and ≥ 265 mg/dL; remit applies ≥ 265 mg/dL (the "
        "canonical unit), so 3.0 mmol/L (= 265.7 mg/dL) counts, as do 265-265.7 mg/dL (2.99-3.0 mmol/L). "
        "Whether the sample was fasting is not checked.",
        "sCD25 ≥ 2400 U/mL as printed by Henter; later adaptations compare with age-related norms (not "
        "applied). NK-cell activity counts when reported low or absent (negative) by the local laboratory.",
        "Haemoglobin < 100 g/L applies to infants younger than 4 weeks (28 days) at the index date; age is "
        "computed in fractional years, so within a day of 4 weeks in a leap year the boundary may be off by a "
        "day.",
        "Molecular diagnosis (remit's choice of genes, not listed in criteria.md): a genotype recorded as "
        "confirmatory (the clinician's judgement, including zygosity) in PRF1, UNC13D, STX11, STXBP2, RAB27A, "
        "LYST, SH2D1A or XIAP. An untested gene counts as not found, so the molecular branch can only make the "
        "result MET; the specification's missing-data rule (met + unknown ≥ 5 → INDETERMINATE) then decides.",
        f"Look-back windows (remit's choice): fever, splenomegaly and routine laboratory values within {DAYS} "
        f"days up to the index date (latest value); haemophagocytosis, NK-cell activity and sCD25 within "
        f"{SPECIALIST_DAYS} days.",
    ),
    rule=b.any_of(
        "rule",
        "Molecular diagnosis consistent with HLH, or ≥ 5 of 8 criteria",
        _MOLECULAR,
        b.at_least("five_of_eight", "At least 5 of the 8 HLH-2004 criteria", 5, *_CRITERIA),
    ),
)
