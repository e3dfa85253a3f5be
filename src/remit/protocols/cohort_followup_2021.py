"""The follow-up schedule of the Arch Rheumatol 2021 anakinra cohort (seed paper 004).

What the paper states (read in the paper):

* "Demographic and clinical findings, outcomes, adverse events, prior and/or
  additional treatments were collected at baseline, at 3 and 12 months of
  therapy"; baseline is "before starting anakinra".
* The measures reported at those time points (Tables 2-4): AIDAI (SAID
  patients; "NA" for sJIA), CRP, ESR, platelet count, ferritin (sJIA;
  "NA" for SAID), and the physician's and patient's global assessments.
* "Anakinra cessation was evaluated in patients who achieved remission by
  extending the treatment interval"; "inadequate response or disease flare
  under anakinra treatment was usually observed during the interval widening
  of treatment in patients with SAIDs. Close monitoring of these patients is
  important during the interval widening of treatment."

remit's choices (:attr:`Basis.CHOSEN`), since the paper gives no visit windows:

* Day 0 is the first anakinra dose. Month 3 is day 91 (3 x 30.4375 days,
  rounded down), month 12 is day 365.
* Visit windows: baseline days -14..0 (before the first dose, as printed);
  month 3 days 77..105 (+-14 days); month 12 days 335..395 (+-30 days).
* A measure is captured when a value lies in the visit window (the value
  linked to the visit, else the nearest); AIDAI when the diary covers the
  AIDAI instrument's own window ending on the visit day (catalogue ``aidai``:
  31 days), and partial when days are missing.
* Interval widening is an optional step, detected when a dose of the anakinra
  course is given less often than its first dose (daily -> every other day);
  cessation is an optional step, detected from a stop for remission.
"""

from __future__ import annotations

from remit.core.medications import StopReason
from remit.protocols.model import (
    Basis,
    Cessation,
    DataItem,
    Guidance,
    IntervalWidening,
    Protocol,
    Source,
    StartEvent,
    Step,
    StepKind,
)
from remit.rules import ast

MONTH_3_DAY = 91
MONTH_12_DAY = 365

CITATION = ast.Citation(
    "Efficacy of anakinra treatment in pediatric rheumatic diseases: our single-center experience. "
    "Arch Rheumatol 2021 (33 children treated with anakinra, Ümraniye Training and Research Hospital, "
    "July 2016 - July 2020)",
)

CAPTURES: tuple[DataItem, ...] = (
    DataItem("aidai", "AIDAI (daily diary)", instrument="aidai", applies_to=("said",)),
    DataItem("crp", "CRP", analyte="crp"),
    DataItem("esr", "ESR", analyte="esr"),
    DataItem("ferritin", "Ferritin", analyte="ferritin", applies_to=("sjia",)),
    DataItem("platelets", "Platelet count", analyte="platelets"),
    DataItem("physician_global", "Physician global assessment", analyte="physician_global"),
    DataItem("patient_global", "Patient global assessment", analyte="patient_global"),
)

_COLLECTED = Source(
    Basis.STATED,
    '"collected at baseline, at 3 and 12 months of therapy"; measures as in '
    "Tables 2-4 (AIDAI for SAID, ferritin for sJIA)",
)
_MONTHS = Source(Basis.CHOSEN, "the paper gives no visit windows; month = 30.4375 days")

WIDENING_NOTE = (
    'The paper reports flares during the interval widening in SAID patients: "Close monitoring of these '
    'patients is important during the interval widening of treatment" (Discussion).'
)
CESSATION_NOTE = (
    'The paper evaluated cessation "in patients who achieved remission by extending the treatment interval" (Methods).'
)

PROTOCOL = Protocol(
    id="cohort_followup_2021",
    version="1.0.0",
    title="Anakinra cohort follow-up: baseline, month 3 and month 12 (Arch Rheumatol 2021)",
    kind="follow-up schedule",
    citation=CITATION,
    start=StartEvent("anakinra", "first anakinra dose"),
    steps=(
        Step(
            id="baseline",
            label="Baseline assessment",
            kind=StepKind.ASSESSMENT,
            day=0,
            window_before=14,
            window_after=0,
            window_source=Source(Basis.CHOSEN, 'days -14..0: "baseline (before starting anakinra)"'),
            source=_COLLECTED,
            captures=CAPTURES,
        ),
        Step(
            id="month_3",
            label="Month-3 assessment",
            kind=StepKind.ASSESSMENT,
            day=MONTH_3_DAY,
            window_before=14,
            window_after=14,
            window_source=_MONTHS,
            month=3,
            source=_COLLECTED,
            captures=CAPTURES,
        ),
        Step(
            id="month_12",
            label="Month-12 assessment",
            kind=StepKind.ASSESSMENT,
            day=MONTH_12_DAY,
            window_before=30,
            window_after=30,
            window_source=_MONTHS,
            month=12,
            source=_COLLECTED,
            captures=CAPTURES,
        ),
        Step(
            id="interval_widening",
            label="Anakinra interval widening",
            kind=StepKind.EVENT,
            day=0,
            optional=True,
            detector=IntervalWidening("anakinra"),
            source=Source(
                Basis.STATED,
                '"Anakinra cessation was evaluated in patients who achieved remission by '
                'extending the treatment interval"',
            ),
            note=WIDENING_NOTE,
        ),
        Step(
            id="cessation",
            label="Anakinra cessation in remission",
            kind=StepKind.EVENT,
            day=0,
            optional=True,
            detector=Cessation("anakinra", (StopReason.REMISSION,)),
            source=Source(
                Basis.STATED, '"remission off medication (anakinra ceased between one to 12 months after initiation)"'
            ),
            note=CESSATION_NOTE,
        ),
    ),
    guidance=Guidance(
        not_started="follow-up starts at the first anakinra dose: a baseline assessment before it, then month 3 "
        "and month 12.",
        on_track="each assessment records AIDAI (SAID), CRP, ESR, ferritin (sJIA), the platelet count and the "
        "physician's and patient's global assessments.",
        completed="the schedule's assessments (baseline, month 3, month 12) are complete.",
    ),
    description=__doc__ or "",
    caveats=(
        "A retrospective study's data-collection time points, used as a follow-up schedule; the visit windows "
        "are remit's choice.",
        "AIDAI is read with the catalogue instrument's 31-day window; a 30-day diary shows as partial.",
        "Interval widening and cessation are optional: detected from the anakinra dose frequencies and stop "
        "reason, never expected.",
        "Research software: remit explains the schedule; the treating team decides.",
    ),
    parameters=(
        ("baseline_window_days", "-14..0"),
        ("month_3_window_days", f"{MONTH_3_DAY - 14}..{MONTH_3_DAY + 14}"),
        ("month_12_window_days", f"{MONTH_12_DAY - 30}..{MONTH_12_DAY + 30}"),
    ),
)
