"""Glucocorticoids: prednisolone, prednisone, methylprednisolone pulses,
dexamethasone (HLH-94) and intra-articular triamcinolone hexacetonide
(drugs.md §1.4).

Prednisolone and prednisone are separate ingredients with separate codes, but
the reference gives one dosing row for both, so they share its rules.
"""

from __future__ import annotations

from remit.core.codes import ATC, RXNORM, Coding
from remit.core.medications import Frequency, Route
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import Basis, Cap, DoseRule, Frame, TaperStep
from remit.drugs.drug import Drug, DrugCode
from remit.drugs.sources import unverified, verified

_ORAL_STEROID_RULES = (
    DoseRule(
        id="prednisolone.sjia.etg",
        title="sJIA, ongoing oral glucocorticoid (eTG)",
        indications=("sjia",),
        routes=(Route.ORAL,),
        basis=Basis.MG_PER_KG_PER_DAY,
        usual=(0.5, 1),
        caps=(Cap(60, Frame.DAY),),
        dose_text="prednisolone/prednisone 0.5–1 mg/kg/day; max 60 mg/day",
        provenance=verified("V:14"),
    ),
    DoseRule(
        id="prednisolone.sjia.active_systemic",
        title="sJIA, active systemic disease (widely used, unverified)",
        indications=("sjia",),
        routes=(Route.ORAL,),
        basis=Basis.MG_PER_KG_PER_DAY,
        usual=(1, 2),
        caps=(Cap(60, Frame.DAY, provenance=verified("V:14")),),
        dose_text="1–2 mg/kg/day for active systemic disease is widely used; max 60 mg/day",
        provenance=unverified(note="CARRA CTP text (prednisone 2 mg/kg, max 60 mg) not read"),
    ),
)

PREDNISOLONE = Drug(
    id="prednisolone",
    name="Prednisolone",
    synonyms=("Prednisolon",),
    classes=frozenset({DrugClass.GLUCOCORTICOID}),
    routes=(Route.ORAL,),
    codes=(
        DrugCode(Coding(ATC, "H02AB06", "prednisolone"), verified("B3")),
        DrugCode(Coding(RXNORM, "8638", "prednisolone"), unverified("B3")),
    ),
    rules=_ORAL_STEROID_RULES,
    anti_arthritis=True,
)

PREDNISONE = Drug(
    id="prednisone",
    name="Prednisone",
    synonyms=(),
    classes=frozenset({DrugClass.GLUCOCORTICOID}),
    routes=(Route.ORAL,),
    codes=(
        DrugCode(
            Coding(ATC, "H02AB07", "prednisone"),
            unverified("B3", note='stated in a §B3 note ("H02AB07 is prednisone") without a tag'),
        ),
    ),
    rules=_ORAL_STEROID_RULES,
    anti_arthritis=True,
    notes=("No RxNorm code for prednisone is given in the reference.",),
)

METHYLPREDNISOLONE = Drug(
    id="methylprednisolone",
    name="Methylprednisolone",
    synonyms=("MP", "IVMP", "methylpred", "Solu-Medrol"),
    classes=frozenset({DrugClass.GLUCOCORTICOID}),
    routes=(Route.IV, Route.ORAL),
    codes=(
        DrugCode(Coding(ATC, "H02AB04", "methylprednisolone"), verified("B3")),
        DrugCode(Coding(RXNORM, "6902", "methylprednisolone"), unverified("B3")),
    ),
    rules=(
        DoseRule(
            id="methylprednisolone.pulse",
            title="IV pulse (sJIA/MAS)",
            indications=("sjia", "mas"),
            routes=(Route.IV,),
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(15, 30),
            caps=(Cap(1000, Frame.DOSE),),
            frequencies=(Frequency.DAILY, Frequency.ONCE),
            strict_frequency=True,
            dose_text="15–30 mg/kg/day IV over 1 h, daily × 3 (Medscape: × 2–3 days); max 1000 mg/dose",
            provenance=verified("V:14"),
            notes=("Only once-daily pulses are covered: no rule is catalogued for divided IV maintenance doses.",),
        ),
    ),
    anti_arthritis=True,
)

_HLH94_TAPER = (
    TaperStep(0, 13, 10, 10),
    TaperStep(14, 27, 5, 5),
    TaperStep(28, 41, 2.5, 2.5),
    TaperStep(42, 48, 1.25, 1.25),
    TaperStep(49, 55, None, 1.25),
)

DEXAMETHASONE = Drug(
    id="dexamethasone",
    name="Dexamethasone",
    synonyms=("DEX", "Dexa"),
    classes=frozenset({DrugClass.GLUCOCORTICOID}),
    routes=(Route.IV, Route.ORAL),
    codes=(
        DrugCode(Coding(ATC, "H02AB02", "dexamethasone"), unverified("B3")),
        DrugCode(Coding(RXNORM, "3264", "dexamethasone"), unverified("B3")),
    ),
    rules=(
        DoseRule(
            id="dexamethasone.hlh94",
            title="HLH-94 / HLH-2004 induction",
            indications=("hlh",),
            routes=(),
            basis=Basis.MG_PER_M2_PER_DAY,
            usual=(1.25, 10),
            taper=_HLH94_TAPER,
            dose_text="10 mg/m²/day × 2 wk → 5 mg/m² × 2 wk → 2.5 mg/m² × 2 wk → 1.25 mg/m² × 1 wk → 1 wk taper "
            "(8 weeks); reactivation pulses 10 mg/m²/day × 3 d",
            provenance=verified("V:15"),
            notes=(
                "The usual range follows the HLH-94 schedule from the course start (day 0); outside the 8 weeks "
                "the whole 1.25–10 mg/m²/day span is used.",
            ),
        ),
    ),
    anti_arthritis=True,
)

TRIAMCINOLONE_HEXACETONIDE = Drug(
    id="triamcinolone_hexacetonide",
    name="Triamcinolone hexacetonide (intra-articular)",
    synonyms=("TH", "IA TH", "triamcinolone hexacetonide"),
    classes=frozenset({DrugClass.GLUCOCORTICOID}),
    routes=(Route.INTRA_ARTICULAR,),
    codes=(
        DrugCode(Coding(ATC, "H02AB08", "triamcinolone"), unverified("B3", note="ATC at ingredient level")),
        DrugCode(
            Coding(RXNORM, "10759", "triamcinolone"),
            verified(
                "B3", note="triamcinolone ingredient (CPIC); the hexacetonide precise-ingredient RxCUI is unverified"
            ),
        ),
    ),
    rules=(
        DoseRule(
            id="triamcinolone_hexacetonide.ia.uptodate",
            title="Intra-articular injection, per joint (UpToDate)",
            indications=("jia",),
            routes=(Route.INTRA_ARTICULAR,),
            basis=Basis.MG_PER_KG_PER_DOSE,
            usual=(0.5, 1),
            caps=(Cap(40, Frame.DOSE, provenance=verified("V:24", "V:8")),),
            frequencies=(Frequency.ONCE,),
            dose_text="0.5–1 mg/kg per joint, range 5–40 mg; max 40 mg/joint",
            provenance=verified("V:8"),
            notes=(
                "Doses are per joint: record one administration per joint injected.",
                "Large joints (knee, hip, shoulder) 1 mg/kg; small joints 0.5 mg/kg; hands/feet 0.6–2 mg/joint "
                "(UK practice) [V:24]; 1–1.5 mg/kg called ideal (Rheumatol Int 2011) [V:24].",
            ),
        ),
        DoseRule(
            id="triamcinolone_hexacetonide.ia.large_joint",
            title="Intra-articular injection, large joint (knee, hip, shoulder)",
            indications=("jia",),
            routes=(Route.INTRA_ARTICULAR,),
            basis=Basis.MG_PER_KG_PER_DOSE,
            usual=(1, 1),
            caps=(Cap(40, Frame.DOSE),),
            frequencies=(Frequency.ONCE,),
            dose_text="large joints 1 mg/kg; max 40 mg/joint",
            provenance=verified("V:24"),
        ),
    ),
    anti_arthritis=True,
)

GLUCOCORTICOIDS = (PREDNISOLONE, PREDNISONE, METHYLPREDNISOLONE, DEXAMETHASONE, TRIAMCINOLONE_HEXACETONIDE)
