"""The design of the demo cohort: what seed paper 004 prints, and one role per patient.

Seed paper 004 (Arch Rheumatol 2021, "Efficacy of anakinra treatment in pediatric
rheumatic diseases: our single-center experience") describes 33 patients only
in aggregate. The demo cohort turns its tables into 33 synthetic courses. This
module holds the *design*: the printed targets, and for each patient the role
it plays in Tables 4 and 5 (response at months 3 and 12, remission on or off
medication, switch drug and reason), the timing of the events that produce
that role, and the raw state of each assessment visit. :mod:`remit.demo.cohort`
turns the design into case files; the outcome table in ``docs/demo-data.md``
and ``tests/demo/expected_outcomes.csv`` are this design written out.

Days are counted from the anakinra start (day 0). The month-3 visit falls on
days 95-100 and the month-12 visit on days 365-370, so that the 91-day windows
before them never touch the attack that was under way at baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

from remit.demo.moments import Spread

SEED = 20210704  # Arch Rheumatol 2021; fixed so the committed files are reproducible
SITE = "demo-cohort-2021"
START_FIRST = "2016-07-01"  # anakinra starts lie within the paper's study period
START_LAST = "2019-06-30"  # (its end, 2020-07-01, leaves too little time for >= 12 months of follow-up)

# Windows used by the outcome rules (docs/demo-data.md).
WINDOW_DAYS = 91  # "3 months before" an assessment
DIARY_DAYS = 30  # the AIDAI diary covers the 30 days before an assessment
CRP_RANGE = (0.0, 5.0)  # mg/L, assumed laboratory reference range for the whole cohort
ESR_RANGE = (0.0, 20.0)  # mm/h, assumed laboratory reference range for the whole cohort

# Table 2, before treatment, with the subgroup means of Table 3 (complete response at
# 12 months / partial or no response). Platelets are in thousands per mm3 (the
# printed means are exact for whole thousands: 240,272 x 11 = 2,643,000 - 8).
# Ferritin is printed "mg/dL" but the values are ng/mL (docs/demo-data.md).
BASELINE: dict[tuple[str, str], tuple[Spread, tuple[float, float]]] = {
    ("sjia", "crp"): (Spread(91.3, 32.8, 0.1), (84.0, 104.2)),
    ("sjia", "esr"): (Spread(33.6, 9.6, 1), (35.4, 30.5)),
    ("sjia", "platelets"): (Spread(240.272, 102.791, 1), (266.0, 195.0)),
    ("sjia", "ferritin"): (Spread(4910, 599, 1), (4547.0, 5547.0)),
    ("said", "crp"): (Spread(99.3, 40.2, 0.1), (86.5, 121.7)),
    ("said", "esr"): (Spread(52.4, 16.8, 1), (52.5, 52.4)),
    ("said", "platelets"): (Spread(418.636, 69.084, 1), (409.0, 423.0)),
    ("said", "aidai"): (Spread(14.8, 9.5, 1), (13.2, 17.6)),
}

# Table 2, after treatment: read as the month-12 assessment (for the patient who died
# before month 12, the last assessment before death).
AFTER: dict[tuple[str, str], Spread] = {
    ("sjia", "crp"): Spread(13.5, 21.7, 0.1),
    ("sjia", "esr"): Spread(18.9, 12.5, 1),
    ("sjia", "platelets"): Spread(340.545, 83.82, 1),
    ("sjia", "ferritin"): Spread(234, 203, 1),
    ("said", "crp"): Spread(4.5, 3.3, 0.1),
    ("said", "esr"): Spread(14.3, 6, 1),
    ("said", "platelets"): Spread(290.227, 52.887, 1),
    ("said", "aidai"): Spread(1.3, 2, 1),
}

# Physician and patient global assessments at baseline: median 7 (6-8) and 8 (7-9);
# the counts make both the printed "range" (text) and "IQR" (Table 4) true.
BASELINE_PHYSICIAN_GLOBAL = (6,) * 10 + (7,) * 12 + (8,) * 11
BASELINE_PATIENT_GLOBAL = (7,) * 10 + (8,) * 12 + (9,) * 11
# Days to fever resolution, median 2 (1-3), over the 32 patients whose fever resolved
# on anakinra; days to the first normal CRP, median 5 (5-7), over the 31 whose CRP did.
FEVER_DAYS = (1,) * 8 + (2,) * 14 + (3,) * 10
CRP_NORMAL_DAYS = (5,) * 17 + (6,) * 8 + (7,) * 6

# Age (years) at diagnosis and at anakinra start; follow-up (months) of the survivors.
FOLLOW_UP_MONTHS = (
    12.5,
    12.6,
    12.8,
    12.9,
    13.0,
    13.1,
    13.2,
    13.3,
    13.4,
    13.5,
    13.6,
    13.7,
    13.8,
    13.8,
    13.9,
    14.0,
    14.2,
    14.6,
    15.0,
    15.5,
    16.0,
    16.8,
    17.5,
    18.3,
    19.0,
    20.2,
    21.0,
    22.5,
    23.4,
    24.6,
    26.0,
    28.0,
)


@dataclass(frozen=True, slots=True)
class Switch:
    """Anakinra stopped on ``day`` and replaced by ``drug`` from the next day.

    For a switch for inefficacy, ``assessed`` is the day of the full assessment
    a few days before the stop, and ``state`` its raw state: the response at any
    later time point is the response at that assessment.
    """

    day: int
    drug: str
    reason: str  # StopReason value
    assessed: int | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True)
class Attack:
    """A fever attack (or a pericarditis recurrence) after baseline.

    ``days`` and ``items`` (AIDAI items answered yes on each day) are given only
    where a diary total depends on them; otherwise they are drawn.
    """

    day: int
    days: int | None = None
    items: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """One patient of the cohort, as designed.

    ``m3``/``m12`` are the intended responses (complete | partial | non) and
    ``remission3``/``remission12`` the intended remission (on | off | None) at the
    time points, after the rule for switches for inefficacy. ``visit3``/``visit12``
    are the raw states of the scheduled visits themselves.
    """

    key: str
    condition: str
    sex: str
    age_at_diagnosis: float
    age_at_start: float
    m3: str
    m12: str
    remission3: str | None
    remission12: str | None
    visit3: str
    visit12: str | None
    switch: Switch | None = None
    remission_stop: int | None = None  # anakinra stopped for remission on this day
    widening: int | None = None  # interval widened to every other day from this day
    escalation: int | None = None  # dose doubled to 4 mg/kg/day from this day
    arthritis: bool = False  # active arthritis at baseline (sJIA)
    priors: tuple[str, ...] = ()  # methotrexate / ciclosporin before anakinra (besides the group's own)
    attacks_before: int = 0  # attacks in the 3 months before baseline, the one under way included
    attacks_after: tuple[Attack, ...] = ()
    flare: tuple[int, int] | None = None  # sJIA flare (first day, last day) with an assessment on its 2nd day
    aidai12_symptom_days: int = 0  # non-attack diary symptom days in the 30 days before month 12
    last_globals: tuple[int, int] = (0, 0)  # physician and patient global at the last visit
    death: int | None = None
    note: str = ""

    @property
    def group(self) -> str:
        return "sjia" if self.condition == "sjia" else "said"

    def on_anakinra(self, day: int) -> bool:
        stop = self.switch.day if self.switch is not None else self.remission_stop
        return stop is None or day <= stop


TCZ, CAN = "tocilizumab", "canakinumab"
INEF, ADVERSE, DIFFICULT = "inefficacy", "adverse_event", "injection_difficulty"

# Positional columns: key, condition, sex, age at diagnosis, age at start, intended response at
# month 3 and 12, intended remission at month 3 and 12, raw state of the month-3 and month-12 visits.
# fmt: off
ROLES: tuple[Role, ...] = (
    # --- sJIA complicated by MAS (11): on 3, off 4, partial 2, non 2, all 5 switches to tocilizumab
    Role("sjia-arthritis-nonresponder", "sjia", "male", 7.5, 10.5, "non", "non", None, None, "partial", "complete",
         switch=Switch(52, TCZ, INEF, 48, "non"), arthritis=True, priors=("methotrexate",), last_globals=(1, 1),
         note="persistent arthritis; switched to tocilizumab for inefficacy, later inactive on tocilizumab"),
    Role("sjia-refractory-mas", "sjia", "female", 6.0, 6.1, "non", "non", None, None, "non", None,
         switch=Switch(35, TCZ, INEF, 32, "non"), escalation=3, priors=("ciclosporin",), death=113,
         last_globals=(9, 9), note="MAS resistant to anakinra, tocilizumab and immunosuppression; died on day 113"),
    Role("sjia-remission-off-early-a", "sjia", "female", 4.9, 5.0, "complete", "complete", "off", "off",
         "complete", "complete", remission_stop=70, widening=35, priors=("ciclosporin",), last_globals=(0, 0)),
    Role("sjia-remission-off-early-b", "sjia", "male", 9.4, 9.5, "complete", "complete", "off", "off",
         "complete", "complete", remission_stop=76, widening=42, last_globals=(0, 0)),
    Role("sjia-remission-off-late-a", "sjia", "male", 5.8, 5.9, "complete", "complete", "on", "off",
         "complete", "complete", remission_stop=180, widening=120, priors=("ciclosporin",), last_globals=(1, 1)),
    Role("sjia-remission-off-late-b", "sjia", "female", 13.0, 13.5, "complete", "complete", "on", "off",
         "complete", "complete", remission_stop=240, widening=170, last_globals=(1, 1)),
    Role("sjia-remission-on-a", "sjia", "male", 7.8, 7.9, "complete", "complete", "on", "on",
         "complete", "complete", widening=300, priors=("ciclosporin",), last_globals=(0, 0)),
    Role("sjia-remission-on-b", "sjia", "female", 4.6, 5.4, "complete", "complete", "on", "on",
         "complete", "complete", last_globals=(1, 1)),
    Role("sjia-steroid-dependent", "sjia", "male", 5.5, 8.0, "complete", "complete", "on", "on",
         "complete", "complete", switch=Switch(188, TCZ, INEF, 185, "complete"), flare=(130, 136),
         priors=("methotrexate", "ciclosporin"), last_globals=(1, 1),
         note="inactive disease only while on methylprednisolone >= 0.5 mg/kg/day (flare on tapering to 0.25); "
              "switched for steroid dependence"),
    Role("sjia-late-flare", "sjia", "female", 4.4, 7.2, "complete", "partial", "on", None, "complete", "partial",
         switch=Switch(338, TCZ, INEF, 334, "partial"), widening=200, flare=(290, 300),
         priors=("methotrexate", "ciclosporin"), last_globals=(1, 1)),
    Role("sjia-arthritis-partial", "sjia", "male", 6.6, 11.2, "partial", "partial", None, None, "partial", "partial",
         switch=Switch(300, TCZ, INEF, 296, "partial"), escalation=101, arthritis=True, priors=("methotrexate",),
         last_globals=(1, 1)),
    # --- FMF (5): on 2, off 2, partial 1; switches 2 (canakinumab)
    Role("fmf-flare-on-widening", "fmf", "male", 4.0, 7.0, "complete", "partial", "on", None, "complete", "partial",
         switch=Switch(196, CAN, INEF, 193, "partial"), widening=130, attacks_before=6,
         attacks_after=(Attack(160), Attack(188)), aidai12_symptom_days=4, last_globals=(3, 2)),
    Role("fmf-injection-difficulty", "fmf", "female", 5.1, 8.8, "complete", "complete", "on", "on",
         "complete", "complete", switch=Switch(150, CAN, DIFFICULT), attacks_before=5, last_globals=(1, 1)),
    Role("fmf-remission-on", "fmf", "male", 7.0, 9.0, "complete", "complete", "on", "on", "complete", "complete",
         attacks_before=4, attacks_after=(Attack(200),), last_globals=(0, 0)),
    Role("fmf-remission-off-a", "fmf", "female", 5.9, 6.8, "complete", "complete", "on", "off", "complete",
         "complete", remission_stop=170, widening=100, attacks_before=5, last_globals=(0, 0)),
    Role("fmf-remission-off-b", "fmf", "male", 10.5, 12.4, "complete", "complete", "on", "off", "complete",
         "complete", remission_stop=230, widening=150, attacks_before=4, last_globals=(1, 1)),
    # --- HIDS / MKD (6): on 2, partial 4; switches 4 (canakinumab, inadequate response)
    Role("mkd-partial-a", "mkd", "male", 4.1, 5.5, "partial", "partial", None, None, "partial", "partial",
         switch=Switch(160, CAN, INEF, 156, "partial"), attacks_before=4, attacks_after=(Attack(40), Attack(150)),
         aidai12_symptom_days=2, last_globals=(3, 2)),
    Role("mkd-partial-b", "mkd", "female", 4.3, 6.0, "partial", "partial", None, None, "partial", "partial",
         switch=Switch(183, CAN, INEF, 180, "partial"), attacks_before=4,
         attacks_after=(Attack(55), Attack(175), Attack(345, 2, (3, 2))), last_globals=(3, 2)),
    Role("mkd-partial-c", "mkd", "male", 5.0, 7.5, "partial", "partial", None, None, "partial", "partial",
         switch=Switch(210, CAN, INEF, 206, "partial"), attacks_before=4, attacks_after=(Attack(30), Attack(200)),
         aidai12_symptom_days=1, last_globals=(3, 2)),
    Role("mkd-flare-on-widening", "mkd", "female", 5.2, 9.2, "complete", "partial", "on", None, "complete",
         "partial", switch=Switch(200, CAN, INEF, 196, "partial"), widening=120, attacks_before=4,
         attacks_after=(Attack(190),), aidai12_symptom_days=1, last_globals=(3, 2)),
    Role("mkd-remission-on-a", "mkd", "male", 5.6, 8.0, "complete", "complete", "on", "on", "complete", "complete",
         attacks_before=4, last_globals=(0, 0)),
    Role("mkd-remission-on-b", "mkd", "female", 4.8, 6.3, "complete", "complete", "on", "on", "complete",
         "complete", attacks_before=4, last_globals=(1, 1)),
    # --- CAPS (5): on 4, partial 1; switches 4 (canakinumab: 2 injection-site reactions, 1 difficulty, 1 inefficacy)
    Role("caps-injection-reaction-partial", "caps", "female", 5.4, 7.8, "partial", "complete", None, "on",
         "partial", "complete", switch=Switch(35, CAN, ADVERSE), attacks_before=8,
         attacks_after=(Attack(20), Attack(60)), aidai12_symptom_days=1, last_globals=(1, 1)),
    Role("caps-injection-difficulty", "caps", "male", 6.3, 10.0, "partial", "complete", None, "on", "partial",
         "complete", switch=Switch(45, CAN, DIFFICULT), attacks_before=8,
         attacks_after=(Attack(25), Attack(52), Attack(80)), last_globals=(1, 1)),
    Role("caps-injection-reaction-remission", "caps", "female", 7.2, 11.8, "complete", "complete", "on", "on",
         "complete", "complete", switch=Switch(50, CAN, ADVERSE), attacks_before=8, last_globals=(1, 1)),
    Role("caps-partial", "caps", "male", 5.7, 8.4, "partial", "partial", None, None, "partial", "partial",
         switch=Switch(218, CAN, INEF, 215, "partial"), attacks_before=8,
         attacks_after=(Attack(25), Attack(50), Attack(75), Attack(140), Attack(170), Attack(200)),
         aidai12_symptom_days=4, last_globals=(3, 2)),
    Role("caps-remission-on", "caps", "female", 6.0, 7.4, "complete", "complete", "on", "on", "complete",
         "complete", attacks_before=8, aidai12_symptom_days=1, last_globals=(0, 0)),
    # --- Idiopathic recurrent pericarditis (4): on 3, partial 1; switch 1 (canakinumab)
    Role("irp-flare-on-widening", "recurrent_pericarditis", "male", 11.2, 12.6, "complete", "partial", "on", None,
         "complete", "partial", switch=Switch(218, CAN, INEF, 214, "partial"), widening=150, attacks_before=3,
         attacks_after=(Attack(205),), aidai12_symptom_days=3, last_globals=(3, 2)),
    Role("irp-remission-on-a", "recurrent_pericarditis", "male", 10.0, 11.0, "complete", "complete", "on", "on",
         "complete", "complete", attacks_before=2, last_globals=(0, 0)),
    Role("irp-remission-on-b", "recurrent_pericarditis", "female", 12.4, 13.2, "complete", "complete", "on", "on",
         "complete", "complete", attacks_before=3, last_globals=(1, 1)),
    Role("irp-remission-on-c", "recurrent_pericarditis", "male", 8.5, 9.9, "complete", "complete", "on", "on",
         "complete", "complete", attacks_before=2, last_globals=(1, 1)),
    # --- NAPS12 (1): on; unclassified SAID (1): partial, switched for daily-injection difficulty
    Role("naps12-remission-on", "naps12", "female", 7.8, 8.5, "complete", "complete", "on", "on", "complete",
         "complete", attacks_before=4, attacks_after=(Attack(210),), last_globals=(0, 0)),
    Role("usaid-injection-difficulty", "unclassified_said", "male", 6.0, 7.0, "partial", "partial", None, None,
         "partial", "partial", switch=Switch(40, CAN, DIFFICULT), attacks_before=4,
         attacks_after=(Attack(30), Attack(200), Attack(345, 3, (3, 2, 2))), last_globals=(3, 2)),
)
# fmt: on
