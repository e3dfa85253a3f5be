"""Adapted ACR Pedi 30 for systemic JIA — the ANAJIS modified definition
(Quartier 2011; criteria.md §11).

Modified ACR Pedi 30 = ACR Pedi 30 (≥ 30 % improvement in ≥ 3 of 6 core
variables, ≤ 1 worsened by > 30 %, see ``acr_pedi``) **and** body
temperature < 38 °C for > 7 days **and** CRP **and** ESR each normalised or
decreased by ≥ 50 % versus baseline (day 1).

Operational choices (remit's, documented):

* *Temperature < 38 °C for > 7 days*: the 8 calendar days up to and including
  the index date (index − 7 .. index, i.e. more than 7 days) contain no fever
  and no temperature ≥ 38 °C. A fever finding recorded present in those days,
  or any recorded temperature ≥ 38 °C, fails it. Absence of a fever record
  counts as no fever only when the record's data coverage spans the 8 days
  (``Absent.FALSE_IF_COVERED``); temperatures are judged only where recorded,
  and no temperature recorded in a covered window is no temperature ≥ 38 °C.
* *Normalised*: the latest value within 7 days up to the index date lies
  within the laboratory's normal limits (upper limit of the stored reference
  range, or its normal/high flag). *Decreased by ≥ 50 %*: percent change from
  the baseline value (latest within 7 days up to the baseline date) ≤ −50 %.

Only the Pedi 30 level of the modified definition is implemented (ANAJIS
also defines modified Pedi 50/70/100).
"""

from remit.catalogue.acr_pedi import WINDOW_DAYS, changes, pedi_level, worsened
from remit.rules import ast
from remit.rules import builders as b

AFEBRILE_DAYS = 7  # window index-7 .. index: 8 calendar days, "> 7 days"
FEVER_C = 38

DELTA = changes()
PEDI30 = pedi_level("", 30, DELTA, worsened("", DELTA))


def _afebrile() -> ast.Not:
    fever = b.finding("fever", "fever", days=AFEBRILE_DAYS, absent=ast.Absent.FALSE_IF_COVERED, label="Fever recorded")
    high_temperature = b.all_of(
        "temperature_38",
        "A temperature ≥ 38 °C recorded",
        b.has_value("temperature_recorded", "temperature", days=AFEBRILE_DAYS, label="Temperature recorded"),
        b.lab(
            "temperature_max",
            "temperature",
            ">=",
            FEVER_C,
            "Cel",
            days=AFEBRILE_DAYS,
            reduce=ast.Reduce.MAX,
            label="Maximum temperature ≥ 38 °C",
        ),
    )
    return b.not_(
        "afebrile",
        "Body temperature < 38 °C for > 7 days",
        b.any_of(
            "febrile", "Fever or a temperature ≥ 38 °C in the 8 days up to the index date", fever, high_temperature
        ),
    )


def _normalised_or_halved(key: str, analyte: str, label: str, change: ast.Change) -> ast.AnyOf:
    return b.any_of(
        f"{key}_ok",
        f"{label} normalised or decreased by ≥ 50 %",
        b.within_reference(
            f"{key}_normal",
            analyte,
            days=WINDOW_DAYS,
            side=ast.Side.UPPER,
            label=f"{label} within the laboratory's normal limits",
        ),
        b.compare(f"{key}_halved", change, "<=", -50, "%", label=f"{label} decreased by ≥ 50 % from baseline"),
    )


CRP_CHANGE = ast.Change(
    "crp.change",
    "CRP: % change from baseline",
    b.measure("crp.current", "crp", days=WINDOW_DAYS, label="CRP (follow-up)"),
    b.measure("crp.baseline", "crp", days=WINDOW_DAYS, baseline=True, label="CRP (baseline)"),
)

CRITERION = ast.Criterion(
    id="acr_pedi_sjia_adapted",
    version="1.0.0",
    title="Adapted ACR Pedi 30 for systemic JIA (ANAJIS modified definition)",
    kind=ast.Kind.RESPONSE,
    citation=ast.Citation(
        "Quartier P, et al. Ann Rheum Dis 2011;70:747-754 (ANAJIS trial of anakinra in systemic JIA; modified "
        "ACR Pedi 30 response)",
        doi="10.1136/ard.2010.134254",
    ),
    verification=ast.Verification.CONFLICT,
    applies_to=("sjia",),
    needs_baseline=True,
    status_meaning="modified ACR Pedi 30 response (ACR Pedi 30, afebrile > 7 days, CRP and ESR normal or halved)",
    description=__doc__ or "",
    caveats=(
        "[CONFLICT] Each sJIA trial adapts ACR Pedi differently (canakinumab: resolution of fever; tocilizumab: "
        "CRP < 15 mg/L; TENDER: no fever in 7 days). remit implements the ANAJIS (Quartier 2011) modified "
        "definition only.",
        f"'Temperature < 38 °C for > 7 days' is judged over the {AFEBRILE_DAYS + 1} calendar days up to the index "
        "date: no fever finding (absence counts only when the record covers those days) and no recorded "
        "temperature ≥ 38 °C.",
        "'Normalised' = within the laboratory's normal limits (upper limit of the stored reference range or "
        "its flag); a value without a reference range can still qualify by a ≥ 50 % fall from baseline.",
        f"Windows are remit's choice: laboratory and core-set values are the latest within {WINDOW_DAYS} days up "
        "to the index date and up to the baseline date.",
        "ACR Pedi 30 citation details (pages, DOI) and zero-baseline handling as in acr_pedi.",
        "Only the modified Pedi 30 level is implemented.",
    ),
    rule=b.all_of(
        "rule",
        "Modified ACR Pedi 30 (ANAJIS)",
        PEDI30,
        _afebrile(),
        _normalised_or_halved("crp", "crp", "CRP", CRP_CHANGE),
        _normalised_or_halved("esr", "esr", "ESR", DELTA["esr"]),
    ),
)
