"""Colchicine (FMF) and the NSAIDs used in JIA: ibuprofen, naproxen,
indomethacin (drugs.md §1.5-1.6).

The reference gives no ATC or RxNorm codes for the NSAIDs; none are invented
here (resolve them with WHOCC and RxNav before export).
"""

from __future__ import annotations

from remit.core.codes import ATC, RXNORM, Coding
from remit.core.intervals import Interval
from remit.core.medications import Frequency, Route
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import Basis, Cap, DoseRule, Frame, above, at_least, below, between
from remit.drugs.drug import Drug, DrugCode
from remit.drugs.sources import unverified, verified

ORAL = (Route.ORAL,)
_EULAR_STEPS = "starting dose; increase by 0.5 mg/day steps up to the maximum (or the maximum tolerated)"
_ADULT_AGE = "the source says children vs adults; remit takes 18 y as the boundary"
_COLCHICINE_CONFLICT = (
    "US label allows adolescents >12 y up to 2.4 mg/day, above EULAR's 2 mg/day paediatric ceiling [V:18, V:19]."
)
_RENAL = (
    "Renal impairment: severe (CrCl <30) start 0.3 mg/day (US) [V:19]; EULAR: high toxicity risk, reduce dose [V:18]."
)


def _eular(
    rule_id: str,
    title: str,
    *,
    ages: Interval,
    usual: tuple[float | None, float],
    maximum_mg: float,
    text: str,
    limits: str,
) -> DoseRule:
    return DoseRule(
        id=rule_id,
        title=title,
        indications=("fmf",),
        routes=ORAL,
        basis=Basis.MG_PER_DAY,
        usual=usual,
        caps=(Cap(maximum_mg, Frame.DAY),),
        age_years=ages,
        limits_text=limits,
        dose_text=text,
        provenance=verified("V:18"),
        notes=(_EULAR_STEPS,),
        conflicts=(_COLCHICINE_CONFLICT,),
    )


def _us_label(rule_id: str, title: str, *, ages: Interval, usual: tuple[float, float], limits: str) -> DoseRule:
    return DoseRule(
        id=rule_id,
        title=title,
        indications=("fmf",),
        routes=ORAL,
        basis=Basis.MG_PER_DAY,
        usual=usual,
        caps=(Cap(usual[1], Frame.DAY),),
        age_years=ages,
        limits_text=limits,
        frequencies=(Frequency.DAILY, Frequency.EVERY_12H),
        dose_text=f"{usual[0]:g}–{usual[1]:g} mg/day, single or ÷ BID, 0.3 mg steps",
        provenance=verified("V:19"),
        notes=("The label's range is read as the usual range with its upper end as the maximum.",),
        conflicts=(_COLCHICINE_CONFLICT,),
    )


COLCHICINE = Drug(
    id="colchicine",
    name="Colchicine",
    synonyms=("Colcrys",),
    classes=frozenset({DrugClass.ANTI_GOUT_ANTI_INFLAMMATORY}),
    routes=ORAL,
    codes=(
        DrugCode(Coding(ATC, "M04AC01", "colchicine"), verified("B3")),
        DrugCode(Coding(RXNORM, "2683", "colchicine"), unverified("B3")),
    ),
    rules=(
        _eular(
            "colchicine.fmf.eular_2016_under_5y",
            "FMF, EULAR 2016, <5 y",
            ages=below(5),
            usual=(None, 0.5),
            maximum_mg=2,
            text="≤0.5 mg/day; max 2 mg/day (children)",
            limits="<5 y",
        ),
        _eular(
            "colchicine.fmf.eular_2016_5_to_10y",
            "FMF, EULAR 2016, 5–10 y",
            ages=between(5, 10, high_closed=True),
            usual=(0.5, 1.0),
            maximum_mg=2,
            text="0.5–1.0 mg/day; max 2 mg/day (children)",
            limits="5–10 y",
        ),
        _eular(
            "colchicine.fmf.eular_2016_over_10y",
            "FMF, EULAR 2016, >10 y (children)",
            ages=between(10, 18, low_closed=False),
            usual=(1.0, 1.5),
            maximum_mg=2,
            text="1.0–1.5 mg/day; max 2 mg/day (children)",
            limits=f">10 y and <18 y ({_ADULT_AGE})",
        ),
        _eular(
            "colchicine.fmf.eular_2016_adult",
            "FMF, EULAR 2016, adults",
            ages=at_least(18),
            usual=(1.0, 1.5),
            maximum_mg=3,
            text="1.0–1.5 mg/day; max 3 mg/day (adults)",
            limits=f"adults ({_ADULT_AGE})",
        ),
        _us_label(
            "colchicine.fmf.us_label_4_to_6y",
            "FMF, US label (Colcrys), 4–6 y",
            ages=between(4, 6),
            usual=(0.3, 1.8),
            limits="4–<6 y",
        ),
        _us_label(
            "colchicine.fmf.us_label_6_to_12y",
            "FMF, US label (Colcrys), 6–12 y",
            ages=between(6, 12, high_closed=True),
            usual=(0.9, 1.8),
            limits="6–12 y",
        ),
        _us_label(
            "colchicine.fmf.us_label_over_12y",
            "FMF, US label (Colcrys), >12 y and adults",
            ages=above(12),
            usual=(1.2, 2.4),
            limits=">12 y and adults",
        ),
    ),
    anti_arthritis=False,
    notes=(_RENAL,),
)

IBUPROFEN = Drug(
    id="ibuprofen",
    name="Ibuprofen",
    synonyms=(),
    classes=frozenset({DrugClass.NSAID}),
    routes=ORAL,
    codes=(),
    rules=(
        DoseRule(
            id="ibuprofen.jia",
            title="JIA",
            indications=("jia",),
            routes=ORAL,
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(30, 40),
            caps=(Cap(2400, Frame.DAY), Cap(800, Frame.DOSE)),
            frequencies=(Frequency.EVERY_8H, Frequency.EVERY_6H),
            dose_text="30–40 mg/kg/day ÷ 3–4 (≈10 mg/kg/dose TID–QID); max 2400 mg/day, 800 mg/dose",
            provenance=verified("V:20", "V:8"),
        ),
    ),
    anti_arthritis=True,
    notes=("No ATC or RxNorm code in the reference (§B3).",),
)

NAPROXEN = Drug(
    id="naproxen",
    name="Naproxen",
    synonyms=(),
    classes=frozenset({DrugClass.NSAID}),
    routes=ORAL,
    codes=(),
    rules=(
        DoseRule(
            id="naproxen.jia",
            title="JIA",
            indications=("jia",),
            routes=ORAL,
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(10, 20),
            caps=(Cap(1000, Frame.DAY),),
            frequencies=(Frequency.EVERY_12H,),
            dose_text="10–20 mg/kg/day ÷ 2 (UpToDate 5–10 mg/kg/dose BID; US label JA ≈10 mg/kg/day ÷ 2); "
            "max 1000 mg/day",
            provenance=verified("V:20", "V:8"),
            notes=("Label: ≤15 mg/kg/day [S:20] (secondary; not applied).",),
        ),
    ),
    anti_arthritis=True,
    notes=("No ATC or RxNorm code in the reference (§B3).",),
)

_INDOMETHACIN_MAX_NOTE = (
    "Label maximum is 3–4 mg/kg/day or 150–200 mg/day, whichever is less; the checker uses "
    "the lower ends (3 mg/kg/day, 150 mg/day) as the maximum."
)
_INDOMETHACIN_CAPS = (Cap(150, Frame.DAY), Cap(50, Frame.DOSE))

INDOMETHACIN = Drug(
    id="indomethacin",
    name="Indomethacin",
    synonyms=("indometacin",),
    classes=frozenset({DrugClass.NSAID}),
    routes=ORAL,
    codes=(),
    rules=(
        DoseRule(
            id="indomethacin.jia.us_label",
            title="JIA, US label (≥2 y)",
            indications=("jia",),
            routes=ORAL,
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(1, 2),
            maximum=3,
            caps=_INDOMETHACIN_CAPS,
            age_years=at_least(2),
            limits_text="≥2 y",
            dose_text="1–2 mg/kg/day divided; max 3–4 mg/kg/day or 150–200 mg/day, whichever is less; 50 mg/dose",
            provenance=verified("V:20"),
            notes=(_INDOMETHACIN_MAX_NOTE,),
        ),
        DoseRule(
            id="indomethacin.jia.textbook",
            title="JIA, textbook table",
            indications=("jia",),
            routes=ORAL,
            basis=Basis.MG_PER_KG_PER_DAY,
            usual=(1.5, 3),
            maximum=3,
            caps=_INDOMETHACIN_CAPS,
            frequencies=(Frequency.EVERY_8H,),
            dose_text="1.5–3 mg/kg/day ÷ 3",
            provenance=verified("V:20"),
            notes=(_INDOMETHACIN_MAX_NOTE,),
        ),
        DoseRule(
            id="indomethacin.jia.uptodate",
            title="JIA, UpToDate",
            indications=("jia",),
            routes=ORAL,
            basis=Basis.MG_PER_KG_PER_DOSE,
            usual=(0.25, 1),
            caps=_INDOMETHACIN_CAPS,
            frequencies=(Frequency.EVERY_8H, Frequency.EVERY_6H),
            dose_text="0.25–1 mg/kg/dose TID–QID",
            provenance=verified("V:8"),
            notes=(_INDOMETHACIN_MAX_NOTE,),
        ),
    ),
    anti_arthritis=True,
    notes=("No ATC or RxNorm code in the reference (§B3).",),
)

ANTI_INFLAMMATORIES = (COLCHICINE, IBUPROFEN, NAPROXEN, INDOMETHACIN)
