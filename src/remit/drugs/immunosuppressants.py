"""Conventional immunosuppressants and cytotoxics: methotrexate, ciclosporin,
etoposide, cyclophosphamide (drugs.md §1.3)."""

from __future__ import annotations

from remit.core.codes import ATC, RXNORM, Coding
from remit.core.medications import Frequency, Route
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import Basis, Cap, Comedication, DoseRule, Frame
from remit.drugs.drug import Drug, DrugCode
from remit.drugs.sources import unverified, verified

METHOTREXATE = Drug(
    id="methotrexate",
    name="Methotrexate",
    synonyms=("MTX",),
    classes=frozenset({DrugClass.CONVENTIONAL_DMARD}),
    routes=(Route.ORAL, Route.SC),
    codes=(
        DrugCode(
            Coding(ATC, "L04AX03", "methotrexate"),
            verified("B3", note="oral / prefilled syringe or pen (immunosuppressant)"),
        ),
        DrugCode(Coding(ATC, "L01BA01", "methotrexate"), verified("B3", note="parenteral, oncology")),
        DrugCode(Coding(RXNORM, "6851", "methotrexate"), verified("B3", note="CPIC")),
    ),
    rules=(
        DoseRule(
            id="methotrexate.jia.marajia",
            title="JIA, MARAJIA 2018",
            indications=("jia",),
            routes=(Route.ORAL, Route.SC),
            basis=Basis.MG_PER_M2_PER_WEEK,
            usual=(10, 15),
            frequencies=(Frequency.WEEKLY,),
            dose_text="10–15 mg/m²/week PO/SC; SC preferred at ≥15 mg/m²",
            provenance=verified("V:13"),
            notes=(
                "No extra benefit above 15 mg/m²/week: RCT 15 vs 30 mg/m²/week parenteral (ACR Pedi 30: 62.5 % "
                "vs 57.5 %) [V:13].",
                "Woo 2000 (sJIA/oligoarticular trial) used 15 → 20 mg/m² [V:13].",
            ),
            conflicts=(
                "Absolute mg cap: 25 mg/week in some AI-written summaries, 30 mg/week 'per CARRA CTP' in another "
                "[S:43]/[U]; MARAJIA gives no mg cap. No cap is applied: pass a local rule to check_dose(rule=...) "
                "once a label or guideline is read.",
            ),
        ),
    ),
    anti_arthritis=True,
    notes=("Code by product and route: do not assume one ATC (§B3).",),
)

CICLOSPORIN = Drug(
    id="ciclosporin",
    name="Ciclosporin",
    synonyms=("cyclosporine", "cyclosporin", "cyclosporin A", "ciclosporin A", "CsA", "CyA", "CSA"),
    classes=frozenset({DrugClass.CONVENTIONAL_DMARD, DrugClass.CALCINEURIN_INHIBITOR}),
    routes=(Route.ORAL, Route.IV),
    codes=(
        DrugCode(Coding(ATC, "L04AD01", "ciclosporin"), verified("B3")),
        DrugCode(Coding(RXNORM, "3008", "cyclosporine"), verified("B3", note="CPIC")),
    ),
    rules=(
        DoseRule(
            id="ciclosporin.mas.with_glucocorticoid",
            title="MAS, added to glucocorticoids (Mouy 1996)",
            indications=("mas",),
            routes=(Route.ORAL, Route.IV),
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(2, 5),
            comedication=Comedication(DrugClass.GLUCOCORTICOID, present=True),
            dose_text="2–5 mg/kg/day added to steroids",
            provenance=verified("V:16"),
            notes=('The brief\'s "2–7 mg/kg/day" is unverified [U].',),
        ),
        DoseRule(
            id="ciclosporin.mas.alone",
            title="MAS, used alone (Mouy 1996)",
            indications=("mas",),
            routes=(Route.ORAL, Route.IV),
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(2, 8),
            comedication=Comedication(DrugClass.GLUCOCORTICOID, present=False),
            dose_text="2–8 mg/kg/day used alone",
            provenance=verified("V:16"),
        ),
        DoseRule(
            id="ciclosporin.hlh.hlh2004",
            title="HLH-94/2004",
            indications=("hlh",),
            routes=(Route.ORAL, Route.IV),
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(6, 6),
            frequencies=(Frequency.EVERY_12H,),
            dose_text="HLH-2004 starting dose 6 mg/kg/day ÷ BID; titrated to a trough ≈200 µg/L",
            provenance=unverified(
                "V:15", note="the trough target ≈200 µg/L is verified [V:15]; the 6 mg/kg/day starting dose is not"
            ),
            notes=("Dosing is titrated to the trough level; a dose check cannot replace it.",),
        ),
    ),
    anti_arthritis=True,
)

ETOPOSIDE = Drug(
    id="etoposide",
    name="Etoposide",
    synonyms=("VP-16", "VP16"),
    classes=frozenset({DrugClass.CYTOTOXIC}),
    routes=(Route.IV,),
    codes=(
        DrugCode(Coding(ATC, "L01CB01", "etoposide"), unverified("B3")),
        DrugCode(Coding(RXNORM, "4179", "etoposide"), verified("B3", note="CPIC")),
    ),
    rules=(
        DoseRule(
            id="etoposide.hlh94",
            title="HLH-94",
            indications=("hlh",),
            routes=(Route.IV,),
            basis=Basis.MG_PER_M2_PER_DOSE,
            usual=(150, 150),
            frequencies=(Frequency.TWICE_WEEKLY, Frequency.WEEKLY),
            dose_text="150 mg/m² per dose",
            provenance=verified("V:15"),
            notes=(
                "Schedule (twice weekly weeks 1–2, then weekly to week 8) and reduced dosing in small infants "
                "are unverified [U].",
            ),
        ),
    ),
    anti_arthritis=True,
)

CYCLOPHOSPHAMIDE = Drug(
    id="cyclophosphamide",
    name="Cyclophosphamide",
    synonyms=("CYC", "CTX", "Endoxan", "Cytoxan"),
    classes=frozenset({DrugClass.CYTOTOXIC}),
    routes=(Route.IV,),
    codes=(
        DrugCode(Coding(ATC, "L01AA01", "cyclophosphamide"), unverified("B3")),
        DrugCode(Coding(RXNORM, "3002", "cyclophosphamide"), verified("B3", note="CPIC")),
    ),
    rules=(
        DoseRule(
            id="cyclophosphamide.lupus_nephritis.paediatric_trial",
            title="Lupus nephritis, paediatric trial (NCT01861561)",
            indications=("lupus_nephritis",),
            routes=(Route.IV,),
            basis=Basis.MG_PER_M2_PER_DOSE,
            usual=(500, 1000),
            caps=(Cap(1500, Frame.DOSE),),
            frequencies=(Frequency.MONTHLY, Frequency.EVERY_4_WEEKS),
            dose_text="500 → 750 → 1000 mg/m², max 1500 mg/dose",
            provenance=verified("V:17"),
            notes=("CARRA LN CTP: monthly IV CYC × 6 at standardised dosages (values not read) [V:37].",),
        ),
        DoseRule(
            id="cyclophosphamide.lupus_nephritis.nih",
            title="Lupus nephritis, NIH regimen",
            indications=("lupus_nephritis",),
            routes=(Route.IV,),
            basis=Basis.MG_PER_M2_PER_DOSE,
            usual=(500, 1000),
            frequencies=(Frequency.MONTHLY, Frequency.EVERY_4_WEEKS),
            dose_text="0.5–1 g/m² monthly × 6",
            provenance=verified("V:17"),
        ),
        DoseRule(
            id="cyclophosphamide.lupus_nephritis.euro_lupus",
            title="Lupus nephritis, Euro-Lupus (flat dose)",
            indications=("lupus_nephritis",),
            routes=(Route.IV,),
            basis=Basis.MG_PER_DOSE,
            usual=(500, 500),
            frequencies=(Frequency.EVERY_2_WEEKS,),
            dose_text="500 mg (flat) every 2 weeks × 6",
            provenance=verified("V:17"),
        ),
    ),
    anti_arthritis=True,
)

IMMUNOSUPPRESSANTS = (METHOTREXATE, CICLOSPORIN, ETOPOSIDE, CYCLOPHOSPHAMIDE)
