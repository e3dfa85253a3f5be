"""The 2009 protocol for MAS complicating systemic-onset JIA: a two-week trial of
anakinra with a corticosteroid (Bruck et al., ACR 2009 abstract; seed paper 003).

What the abstract states about the protocol itself (read in the abstract):

* "We established a protocol for the treatment of MAS associated with SoJIA,
  allowing for a two week trial of Anakinra and a corticosteroid as initial
  treatment."
* "Inclusion criteria: SoJIA as defined by the International League of
  Associations for Rheumatology classification of juvenile idiopathic
  arthritis (1) and MAS as defined by Ravelli et al. (2)."

Everything else here is the course of its two patients, used as targets and
marked so (:attr:`Basis.OBSERVED`), or remit's choice (:attr:`Basis.CHOSEN`):

* Dose: both patients received "Anakinra (2 mg/kg/d s.c.)" (observed).
* Defervescence by day 3: patient 1 "resolution of fevers ... within 3 days",
  patient 2 "defervesced within 48 h of starting Anakinra" (observed). Judged
  as the ``fever`` finding recorded absent on an assessment day from day 0 to
  day 3; a temperature threshold is not used (the abstract gives none).
* Granulocytes within the reference range by day 14: patient 2 "the
  granulocyte count normalized within 7 days"; day 14 is the end of the
  protocol's two-week trial. "Normal" is the laboratory's reference range
  (``WithinReference``): the abstract prints no numbers.
* Laboratory values within the reference range by day 14: patient 2 "All
  other laboratory indices normalized within 14 days despite a dexamethasone
  taper"; patient 1 "All lab values normalized within 20 days" - so patient 1
  is *not* shown normal by day 14 and the status says so. Judged are the
  values recorded in the entry window that are not proven normal there.
* Day 0 is the first anakinra dose; "within 3 days" is read as "by day 3".
* Entry window: 14 days before day 0 (remit's choice). The abstract does not
  say when the entry assessment happens; patient 2 had dexamethasone for
  days before anakinra, so the MAS labs precede day 0.

Escalation: the abstract allows the trial "as initial treatment" and states
no next step. Its title ("... by Treatment with Anakinra but without
Cyclosporine") and conclusion ("could reduce the necessity for potentially
toxic long-term treatment with corticosteroids, cyclosporine and/or
etoposide") name what the approach set out to avoid; those are not steps the
protocol prescribes, and the status never presents them as orders.
"""

from __future__ import annotations

from remit.core.medications import Route
from remit.drugs.classes import DrugClass
from remit.protocols.model import (
    Action,
    AllRequired,
    Basis,
    CriterionRef,
    Eligibility,
    Escalation,
    ExpectedDose,
    Guidance,
    Holds,
    Normalises,
    Protocol,
    Source,
    StartEvent,
    Step,
    StepKind,
    Target,
)
from remit.rules import ast
from remit.rules import builders as b

TRIAL_DAYS = 14
DEFERVESCENCE_DAY = 3
ENTRY_DAYS_BEFORE = 14

CITATION = ast.Citation(
    "Bruck N, Hamel J, Suttorp M, Gahr M, Pessler F. Rapid and sustained remission of macrophage activation "
    "syndrome (MAS) associated with systemic-onset juvenile idiopathic arthritis (SoJIA) by treatment with "
    "anakinra but without cyclosporine [abstract]. Arthritis Rheum 2009;60 Suppl 10:234",
    doi="10.1002/art.25317",
)

_TRIAL = Source(Basis.STATED, '"allowing for a two week trial of Anakinra and a corticosteroid as initial treatment"')

# Laboratory values of the MAS that the abstract reports as abnormal (patients 1 and 2) or that the
# MAS criteria it cites judge; the granulocyte count has its own target.
LAB_PANEL: tuple[str, ...] = (
    "platelets",
    "wbc",
    "haemoglobin",
    "ast",
    "alt",
    "ggt",
    "ldh",
    "ferritin",
    "fibrinogen",
    "triglycerides",
    "d_dimer",
    "crp",
    "esr",
)

ESCALATION = Escalation(
    "anakinra with a corticosteroid is allowed as a two-week trial of initial treatment (Bruck 2009), and the "
    'abstract gives no step for a trial that misses its targets. Its title reports treatment "without '
    'Cyclosporine" and its conclusion hopes to reduce "long-term treatment with corticosteroids, cyclosporine '
    'and/or etoposide": these are what the protocol set out to avoid, not steps it prescribes. The next '
    "treatment is the treating team's decision.",
    Source(Basis.STATED, "Bruck 2009 abstract: Methods (the two-week trial), title and conclusion"),
)

_DEFERVESCENCE = b.not_(
    "defervescence",
    "Afebrile: fever recorded absent on the assessment day",
    b.finding("defervescence.fever", "fever", days=0, label="Fever recorded on the assessment day"),
)

PROTOCOL = Protocol(
    id="mas_anakinra_2009",
    version="1.0.0",
    title="MAS in systemic-onset JIA: two-week trial of anakinra with a corticosteroid (Bruck 2009)",
    kind="treatment protocol",
    citation=CITATION,
    start=StartEvent("anakinra", "first anakinra dose"),
    applies_to=("mas",),
    eligibility=Eligibility(
        rule=AllRequired(
            "SoJIA by ILAR and MAS by Ravelli 2005",
            (
                CriterionRef("ilar_sjia_2001", "SoJIA as defined by the ILAR classification (Petty 2004)"),
                CriterionRef("mas_ravelli_2005", "MAS as defined by Ravelli et al. (J Pediatr 2005)"),
            ),
        ),
        days_before=ENTRY_DAYS_BEFORE,
        source=Source(
            Basis.STATED,
            '"Inclusion criteria: SoJIA as defined by the International League of '
            'Associations for Rheumatology ... and MAS as defined by Ravelli et al."',
        ),
        window_source=Source(
            Basis.CHOSEN,
            "14 days before the first anakinra dose: the abstract does not say when "
            "entry is assessed; patient 2 was treated with dexamethasone for days "
            "before anakinra",
        ),
    ),
    steps=(
        Step(
            id="trial",
            label="Two-week trial of anakinra with a corticosteroid",
            kind=StepKind.TREATMENT,
            day=0,
            until_day=TRIAL_DAYS,
            source=_TRIAL,
            actions=(
                Action(
                    "anakinra 2 mg/kg/day SC",
                    drugs=("anakinra",),
                    dose=ExpectedDose(2.0, Route.SC),
                    source=Source(Basis.OBSERVED, 'both patients: "Anakinra (2 mg/kg/d s.c.)"'),
                ),
                Action(
                    "a corticosteroid (patient 1: oral prednisolone 2 mg/kg/day; patient 2: dexamethasone "
                    "10 mg/m²/day)",
                    drug_class=DrugClass.GLUCOCORTICOID,
                    source=_TRIAL,
                ),
            ),
            note="Day 0 is the first anakinra dose; the trial runs to day 14.",
        ),
    ),
    targets=(
        Target(
            id="defervescence",
            label=f"Defervescence by day {DEFERVESCENCE_DAY}",
            check=Holds(_DEFERVESCENCE),
            day=DEFERVESCENCE_DAY,
            window_before=DEFERVESCENCE_DAY,
            source=Source(
                Basis.OBSERVED,
                'patient 1: "resolution of fevers ... within 3 days"; patient 2: '
                '"defervesced within 48 h of starting Anakinra"',
            ),
            on_miss=ESCALATION,
            note="Judged as the fever finding recorded absent on an assessment day (no temperature threshold).",
        ),
        Target(
            id="granulocytes",
            label=f"Granulocyte count within the reference range by day {TRIAL_DAYS}",
            check=Normalises(("neutrophils",), entry_days_before=ENTRY_DAYS_BEFORE),
            day=TRIAL_DAYS,
            window_before=TRIAL_DAYS,
            source=Source(
                Basis.OBSERVED,
                'patient 2: "the granulocyte count normalized within 7 days"; day 14 is the end of the two-week trial',
            ),
            on_miss=ESCALATION,
            note="Normal = within the laboratory reference range stored with the value.",
        ),
        Target(
            id="laboratory",
            label=f"Laboratory values within the reference range by day {TRIAL_DAYS}",
            check=Normalises(LAB_PANEL, entry_days_before=ENTRY_DAYS_BEFORE),
            day=TRIAL_DAYS,
            window_before=TRIAL_DAYS,
            source=Source(
                Basis.OBSERVED,
                'patient 2: "All other laboratory indices normalized within 14 days"; '
                'patient 1: "All lab values normalized within 20 days"',
            ),
            on_miss=ESCALATION,
            note="Judged: every analyte of the panel with a value in the entry window that is not proven normal "
            "there. Normal = within the laboratory reference range stored with the value.",
        ),
    ),
    guidance=Guidance(
        not_started="when a child meets the entry criteria (SoJIA by ILAR and MAS by Ravelli 2005), anakinra "
        "with a corticosteroid is allowed as a two-week trial of initial treatment.",
        on_track="the two-week trial of anakinra with a corticosteroid runs to day 14; its targets are judged "
        "on the way.",
        completed="the two-week trial has ended. The abstract reports its two patients continuing anakinra "
        "2 mg/kg/day as monotherapy (complete remission at 14 weeks and at 6 months) but sets no "
        "protocol step after the trial.",
    ),
    description=__doc__ or "",
    caveats=(
        "Conference abstract: the protocol is described in one sentence; the targets are its two patients' "
        "courses (observed), not published thresholds.",
        'Patient 1 "satisfied criteria for SoJIA-associated MAS" on qualitative data; remit judges the '
        "Ravelli 2005 rule as printed and shows it indeterminate where the data do not prove it.",
        '"Normal" is the laboratory reference range stored with each value (the abstract prints none; the demo '
        "case files use assumed paediatric ranges, docs/demo-data.md).",
        "The abstract gives no escalation step; ciclosporin and etoposide are named only as what the approach "
        "set out to avoid.",
        "Research software: remit explains the protocol; the treating team decides.",
    ),
    parameters=(
        ("entry_window_days", str(ENTRY_DAYS_BEFORE)),
        ("defervescence_day", str(DEFERVESCENCE_DAY)),
        ("trial_days", str(TRIAL_DAYS)),
    ),
)
