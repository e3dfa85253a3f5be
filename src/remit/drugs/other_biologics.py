"""IL-6 and TNF blockade and immunoglobulin: tocilizumab, etanercept,
infliximab, IVIG (drugs.md §1.2 and §1.7)."""

from __future__ import annotations

from remit.core.codes import ATC, RXNORM, Coding
from remit.core.medications import Frequency, Route
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import Basis, Cap, DoseRule, Frame, at_least, below
from remit.drugs.drug import Drug, DrugCode
from remit.drugs.sources import secondary, unverified, verified

SC, IV = Route.SC, Route.IV
_RA_CAP_NOTE = 'RA: "do not exceed 800 mg per infusion" [S:12]; no separate sJIA cap was read, so none is applied.'
_SC_SJIA_NOTE = (
    "The US PI clinical-study text (secondary) reports <30 kg arms of 162 mg every 10 days (n = 8) "
    "and every 2 weeks (n = 17): every 2 weeks is not the only studied regimen."
)

_TOCILIZUMAB_RULES = (
    DoseRule(
        id="tocilizumab.sjia.iv_under_30kg",
        title="sJIA, IV, <30 kg",
        indications=("sjia",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(12, 12),
        weight_kg=below(30),
        age_years=at_least(2),
        limits_text="≥2 y and <30 kg",
        frequencies=(Frequency.EVERY_2_WEEKS,),
        dose_text="<30 kg: 12 mg/kg IV every 2 weeks",
        provenance=verified("V:12"),
        notes=(_RA_CAP_NOTE,),
    ),
    DoseRule(
        id="tocilizumab.sjia.iv_from_30kg",
        title="sJIA, IV, ≥30 kg",
        indications=("sjia",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(8, 8),
        weight_kg=at_least(30),
        age_years=at_least(2),
        limits_text="≥2 y and ≥30 kg",
        frequencies=(Frequency.EVERY_2_WEEKS,),
        dose_text="≥30 kg: 8 mg/kg IV every 2 weeks",
        provenance=verified("V:12"),
        notes=(_RA_CAP_NOTE,),
    ),
    DoseRule(
        id="tocilizumab.sjia.sc_under_30kg",
        title="sJIA, SC, <30 kg",
        indications=("sjia",),
        routes=(SC,),
        basis=Basis.MG_PER_DOSE,
        usual=(162, 162),
        weight_kg=below(30),
        limits_text="<30 kg",
        frequencies=(Frequency.EVERY_2_WEEKS,),
        dose_text="<30 kg: 162 mg SC every 2 weeks",
        provenance=secondary(
            "S:12", "S:42", note="three secondary sources agree; the label's <30 kg interval is still unread"
        ),
        notes=(_SC_SJIA_NOTE,),
    ),
    DoseRule(
        id="tocilizumab.sjia.sc_from_30kg",
        title="sJIA, SC, ≥30 kg",
        indications=("sjia",),
        routes=(SC,),
        basis=Basis.MG_PER_DOSE,
        usual=(162, 162),
        weight_kg=at_least(30),
        limits_text="≥30 kg",
        frequencies=(Frequency.WEEKLY,),
        dose_text="≥30 kg: 162 mg SC weekly",
        provenance=secondary("S:12", "S:42"),
    ),
    DoseRule(
        id="tocilizumab.pjia.sc_under_30kg",
        title="pJIA, SC, <30 kg",
        indications=("pjia",),
        routes=(SC,),
        basis=Basis.MG_PER_DOSE,
        usual=(162, 162),
        weight_kg=below(30),
        limits_text="<30 kg",
        dose_text="<30 kg: 162 mg SC every 3 weeks",
        provenance=verified("V:12", note="US PI copy"),
        notes=("Every 3 weeks is not a remit Frequency, so the interval is not checked.",),
    ),
    DoseRule(
        id="tocilizumab.pjia.sc_from_30kg",
        title="pJIA, SC, ≥30 kg",
        indications=("pjia",),
        routes=(SC,),
        basis=Basis.MG_PER_DOSE,
        usual=(162, 162),
        weight_kg=at_least(30),
        limits_text="≥30 kg",
        frequencies=(Frequency.EVERY_2_WEEKS,),
        dose_text="≥30 kg: 162 mg SC every 2 weeks",
        provenance=secondary("S:42"),
    ),
    DoseRule(
        id="tocilizumab.pjia.iv_under_30kg",
        title="pJIA, IV, <30 kg",
        indications=("pjia",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(10, 10),
        weight_kg=below(30),
        limits_text="<30 kg",
        frequencies=(Frequency.EVERY_4_WEEKS,),
        dose_text="<30 kg: 10 mg/kg IV every 4 weeks",
        provenance=verified("V:12"),
    ),
    DoseRule(
        id="tocilizumab.pjia.iv_from_30kg",
        title="pJIA, IV, ≥30 kg",
        indications=("pjia",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(8, 8),
        weight_kg=at_least(30),
        limits_text="≥30 kg",
        frequencies=(Frequency.EVERY_4_WEEKS,),
        dose_text="≥30 kg: 8 mg/kg IV every 4 weeks",
        provenance=verified("V:12"),
    ),
)

TOCILIZUMAB = Drug(
    id="tocilizumab",
    name="Tocilizumab",
    synonyms=("Actemra", "RoActemra", "TCZ"),
    classes=frozenset({DrugClass.BIOLOGIC, DrugClass.IL6_INHIBITOR}),
    routes=(IV, SC),
    codes=(
        DrugCode(Coding(ATC, "L04AC07", "tocilizumab"), verified("B3")),
        DrugCode(Coding(RXNORM, "612865", "tocilizumab"), unverified("B3")),
    ),
    rules=_TOCILIZUMAB_RULES,
    anti_arthritis=True,
)

_ETANERCEPT_RULES = (
    DoseRule(
        id="etanercept.pjia.weekly",
        title="pJIA (≥2 y), once weekly",
        indications=("pjia",),
        routes=(SC,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(0.8, 0.8),
        caps=(Cap(50, Frame.DOSE),),
        age_years=at_least(2),
        limits_text="≥2 y",
        frequencies=(Frequency.WEEKLY,),
        strict_frequency=True,
        dose_text="0.8 mg/kg SC once weekly, max 50 mg/dose",
        provenance=verified("V:21"),
        notes=("US: ≥63 kg → 50 mg [S:21].",),
    ),
    DoseRule(
        id="etanercept.pjia.twice_weekly",
        title="pJIA (≥2 y), twice weekly",
        indications=("pjia",),
        routes=(SC,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(0.4, 0.4),
        caps=(Cap(25, Frame.DOSE),),
        age_years=at_least(2),
        limits_text="≥2 y",
        frequencies=(Frequency.TWICE_WEEKLY,),
        strict_frequency=True,
        dose_text="0.4 mg/kg SC twice weekly, max 25 mg/dose",
        provenance=verified("V:21"),
    ),
)

ETANERCEPT = Drug(
    id="etanercept",
    name="Etanercept",
    synonyms=("Enbrel", "ETN"),
    classes=frozenset({DrugClass.BIOLOGIC, DrugClass.TNF_INHIBITOR}),
    routes=(SC,),
    codes=(
        DrugCode(Coding(ATC, "L04AB01", "etanercept"), verified("B3")),
        DrugCode(Coding(RXNORM, "214555", "etanercept"), unverified("B3")),
    ),
    rules=_ETANERCEPT_RULES,
    anti_arthritis=True,
)

_INFLIXIMAB_RULES = (
    DoseRule(
        id="infliximab.jia.ruperto",
        title="JIA (unlicensed), with methotrexate: Ruperto 2007/2010",
        indications=("jia",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(3, 6),
        frequencies=(Frequency.EVERY_2_WEEKS, Frequency.EVERY_4_WEEKS, Frequency.EVERY_8_WEEKS),
        dose_text="3 mg/kg or 6 mg/kg IV with MTX; open-label extension 3–6 mg/kg q8w (mean 4.4 mg/kg)",
        provenance=verified("V:22"),
        off_label=True,
        notes=("Induction schedule weeks 0/2/6 then every 8 weeks is unverified [U].",),
    ),
    DoseRule(
        id="infliximab.kawasaki.refractory",
        title="Kawasaki disease, refractory",
        indications=("kawasaki",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(5, 5),
        frequencies=(Frequency.ONCE,),
        dose_text="5 mg/kg is usual",
        provenance=unverified(note="the KD anakinra trial pre-treated with 10 mg/kg [V:34]"),
        off_label=True,
    ),
)

INFLIXIMAB = Drug(
    id="infliximab",
    name="Infliximab",
    synonyms=("Remicade", "IFX"),
    classes=frozenset({DrugClass.BIOLOGIC, DrugClass.TNF_INHIBITOR}),
    routes=(IV,),
    codes=(
        DrugCode(Coding(ATC, "L04AB02", "infliximab"), verified("B3")),
        DrugCode(Coding(RXNORM, "191831", "infliximab"), unverified("B3")),
    ),
    rules=_INFLIXIMAB_RULES,
    anti_arthritis=True,
)

_IVIG_RULES = (
    DoseRule(
        id="ivig.kawasaki.single_infusion",
        title="Kawasaki disease",
        indications=("kawasaki",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(2000, 2000),
        frequencies=(Frequency.ONCE,),
        dose_text="2 g/kg single infusion over ~10–12 h",
        provenance=verified("V:23"),
    ),
    DoseRule(
        id="ivig.mas",
        title="MAS",
        indications=("mas",),
        routes=(IV,),
        basis=Basis.MG_PER_KG_PER_DOSE,
        usual=(1000, 2000),
        dose_text="1–2 g/kg",
        provenance=unverified(note="drugs.md §1.7: use in MAS (1–2 g/kg) is unverified"),
        off_label=True,
    ),
)

IVIG = Drug(
    id="ivig",
    name="Intravenous immunoglobulin (normal human, intravascular)",
    synonyms=("IVIG", "IVIg", "IGIV", "intravenous immunoglobulin", "immunoglobulin"),
    classes=frozenset({DrugClass.IMMUNOGLOBULIN}),
    routes=(IV,),
    codes=(
        DrugCode(Coding(ATC, "J06BA02", "immunoglobulins, normal human, for intravascular adm."), verified("B3")),
        DrugCode(
            Coding(RXNORM, "5657", "immunoglobulin"),
            unverified("B3", note='printed as "5657?"; RxNorm has several IG ingredients - resolve with RxNav'),
        ),
    ),
    rules=_IVIG_RULES,
    anti_arthritis=False,
)

OTHER_BIOLOGICS = (TOCILIZUMAB, ETANERCEPT, INFLIXIMAB, IVIG)
