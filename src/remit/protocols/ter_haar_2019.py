"""Treat-to-target with first-line anakinra (rIL-1Ra) monotherapy in new-onset sJIA
(ter Haar 2019, Utrecht; criteria.md §14): verified elements only, with the
unverified checkpoints as configuration that is off by default.

Verified in the abstract (criteria.md §14 [V]):

* population: new-onset sJIA with an unsatisfactory response to NSAIDs;
* start: rIL-1Ra monotherapy 2 mg/kg ("/day" from a secondary summary);
* after an incomplete response to 2 mg/kg: 4 mg/kg rIL-1Ra, or added
  prednisolone, or a switch to alternative therapy;
* target: inactive disease; a complete response after 1 month predicted
  inactive disease at 1 year (so response is assessed at 1 month);
* "For patients in whom inactive disease was achieved, rIL-1Ra was tapered
  after 3 months and subsequently stopped" - ambiguous: "after 3 months" may
  count from the start or from reaching inactive disease.

Not verified, so configurable and recorded in ``Protocol.parameters``
(:class:`TreatToTarget`): the day-3 fever step-up to 4 mg/kg [secondary], the
definition of "complete response" and of "inactive disease" (Wallace 2004 or
ACR 2011), the anchor of the 3-month taper, the taper steps, and any
time-point target (fever by week 1, CRP/ESR normal, inactive by month 3),
which criteria.md §14 says not to hard-code.

The default protocol judges inactive disease only at the 3-month taper
decision (the verified decision point; the definition is a parameter) and
never as a deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

from remit.core.medications import StopReason
from remit.protocols.model import (
    Action,
    Basis,
    Cessation,
    CriterionHolds,
    Escalation,
    ExpectedDose,
    Guidance,
    Holds,
    IntervalWidening,
    Protocol,
    Source,
    StartEvent,
    Step,
    StepKind,
    Target,
)
from remit.rules import ast
from remit.rules import builders as b

CITATION = ast.Citation(
    "ter Haar NM, van Dijkhuizen EHP, Swart JF, et al. Treatment to target using recombinant interleukin-1 "
    "receptor antagonist as first-line monotherapy in new-onset systemic juvenile idiopathic arthritis: results "
    "from a five-year follow-up study. Arthritis Rheumatol 2019;71(7):1163-1173",
    doi="10.1002/art.40865",
    pmid="30848528",
)

INCOMPLETE_RESPONSE = Escalation(
    "after an incomplete response to 2 mg/kg the strategy's options are 4 mg/kg rIL-1Ra, added prednisolone, or "
    "a switch to alternative therapy (ter Haar 2019 abstract); the choice is the treating team's.",
    Source(Basis.STATED, "ter Haar 2019 abstract (criteria.md §14 [V])"),
)


@dataclass(frozen=True, slots=True)
class TreatToTarget:
    """The unverified parts of the strategy. Defaults keep only what is verified."""

    inactive_criterion: str = "wallace_cid_2004"  # [U] which inactive-disease definition (or acr_cid_2011)
    taper_decision_day: int = 91  # [V] "after 3 months"; counted from the start here (anchor ambiguous)
    response_check_day: int = 30  # [V] "after 1 month"; 30 days is remit's count
    checkpoint_window_days: int = 7  # remit's choice, for the 1-month checkpoint
    taper_window_days: int = 14  # remit's choice, for the 3-month taper decision
    fever_check_day: int | None = None  # [S] step-up to 4 mg/kg if fever persists 3 days; None = off
    response_criterion: str | None = None  # [U] "complete response" definition; None = no response target


def build(config: TreatToTarget = TreatToTarget()) -> Protocol:
    """The strategy with ``config``'s unverified parameters."""
    targets: list[Target] = []
    if config.fever_check_day is not None:
        day = config.fever_check_day
        targets.append(
            Target(
                id="fever_resolved",
                label=f"Fever resolved by day {day} (secondary source)",
                check=Holds(
                    b.not_(
                        "afebrile",
                        "Afebrile: fever recorded absent on the assessment day",
                        b.finding("afebrile.fever", "fever", days=0),
                    )
                ),
                day=day,
                window_before=day,
                source=Source(
                    Basis.SECONDARY,
                    "step up to 4 mg/kg/day if fever persists 3 days (Nat Rev Rheumatol 2019 research highlight)",
                ),
                on_miss=Escalation(
                    "if fever persists 3 days after the start, the secondary summary steps up to "
                    '4 mg/kg/day rIL-1Ra; the abstract says only "incomplete response to 2 mg/kg".',
                    Source(
                        Basis.SECONDARY,
                        "Nat Rev Rheumatol 2019 research highlight, https://www.nature.com/articles/s41584-019-0208-8",
                    ),
                ),
            )
        )
    if config.response_criterion is not None:
        targets.append(
            Target(
                id="complete_response",
                label=f"Complete response at 1 month ({config.response_criterion}; definition unverified)",
                check=CriterionHolds(config.response_criterion),
                day=config.response_check_day,
                window_before=config.checkpoint_window_days,
                window_after=config.checkpoint_window_days,
                source=Source(
                    Basis.UNVERIFIED,
                    "the abstract reports complete response after 1 month as a predictor; its definition was not read",
                ),
                on_miss=INCOMPLETE_RESPONSE,
            )
        )
    targets.append(
        Target(
            id="inactive_at_taper_decision",
            label=f"Inactive disease at the 3-month taper decision ({config.inactive_criterion})",
            check=CriterionHolds(config.inactive_criterion),
            day=config.taper_decision_day,
            window_before=config.taper_decision_day,
            window_after=config.taper_window_days,
            source=Source(
                Basis.STATED,
                '"For patients in whom inactive disease was achieved, rIL-1Ra was tapered after '
                '3 months and subsequently stopped"; the inactive-disease definition is a '
                "parameter [U]",
            ),
            on_miss=Escalation(
                "rIL-1Ra is tapered after 3 months only in patients who reached inactive disease, so the abstract "
                "gives no taper here; " + INCOMPLETE_RESPONSE.text,
                Source(Basis.STATED, "ter Haar 2019 abstract"),
            ),
            note="A decision point, not a deadline: no time-point target is verified (criteria.md §14).",
        )
    )
    window = Source(Basis.CHOSEN, f"±{config.checkpoint_window_days} days")
    return Protocol(
        id="ter_haar_2019",
        version="1.0.0",
        title="Treat-to-target with first-line anakinra monotherapy in new-onset sJIA (ter Haar 2019)",
        kind="treat-to-target strategy",
        citation=CITATION,
        start=StartEvent("anakinra", "first rIL-1Ra (anakinra) dose"),
        applies_to=("sjia",),
        steps=(
            Step(
                id="monotherapy",
                label="rIL-1Ra monotherapy 2 mg/kg/day",
                kind=StepKind.TREATMENT,
                day=0,
                until_day=config.taper_decision_day,
                source=Source(Basis.STATED, 'rIL-1Ra monotherapy "2 mg/kg" [V]; "/day" [S]; route and mg cap [U]'),
                actions=(Action("anakinra 2 mg/kg/day", drugs=("anakinra",), dose=ExpectedDose(2.0)),),
            ),
            Step(
                id="response_1_month",
                label="1-month response checkpoint",
                kind=StepKind.ASSESSMENT,
                day=config.response_check_day,
                window_before=config.checkpoint_window_days,
                window_after=config.checkpoint_window_days,
                window_source=window,
                source=Source(Basis.STATED, "complete response after 1 month predicted inactive disease at 1 year"),
            ),
            Step(
                id="taper_decision",
                label="3-month taper decision",
                kind=StepKind.ASSESSMENT,
                day=config.taper_decision_day,
                window_before=config.taper_window_days,
                window_after=config.taper_window_days,
                window_source=Source(
                    Basis.CHOSEN,
                    f"±{config.taper_window_days} days; counted from the start (the abstract's anchor is ambiguous)",
                ),
                source=Source(Basis.STATED, '"tapered after 3 months and subsequently stopped"'),
            ),
            Step(
                id="taper",
                label="rIL-1Ra taper (interval widening)",
                kind=StepKind.EVENT,
                day=config.taper_decision_day,
                optional=True,
                detector=IntervalWidening("anakinra"),
                source=Source(Basis.STATED, '"tapered ... and subsequently stopped"; taper steps [U]'),
                note="The taper steps are not verified (criteria.md §14).",
            ),
            Step(
                id="stop",
                label="rIL-1Ra stopped in inactive disease",
                kind=StepKind.EVENT,
                day=config.taper_decision_day,
                optional=True,
                detector=Cessation("anakinra", (StopReason.REMISSION,)),
                source=Source(Basis.STATED, '"subsequently stopped"'),
                note="The abstract tapers before stopping.",
            ),
        ),
        targets=tuple(targets),
        guidance=Guidance(
            not_started="new-onset sJIA with an unsatisfactory response to NSAIDs starts rIL-1Ra monotherapy "
            "2 mg/kg/day; the target is inactive disease.",
            on_track="rIL-1Ra monotherapy continues towards inactive disease; the taper decision comes after 3 months.",
            completed="in inactive disease rIL-1Ra is tapered and then stopped; the taper steps and how a flare "
            "is handled are not verified.",
        ),
        description=__doc__ or "",
        caveats=(
            "Only the abstract and a secondary summary were read; the protocol figure and methods were not.",
            "Eligibility (new-onset sJIA, unsatisfactory response to NSAIDs, steroid-naive) is not checked: the "
            "classification used is not verified.",
            f"Inactive disease is judged with {config.inactive_criterion} (which definition the study used is "
            "unverified).",
            '"Tapered after 3 months" may count from the start or from reaching inactive disease; remit counts '
            f"from the start (day {config.taper_decision_day}).",
            "Research software: remit explains the strategy; the treating team decides.",
        ),
        parameters=(
            ("inactive_criterion", config.inactive_criterion),
            ("taper_decision_day", str(config.taper_decision_day)),
            ("response_check_day", str(config.response_check_day)),
            ("checkpoint_window_days", str(config.checkpoint_window_days)),
            ("taper_window_days", str(config.taper_window_days)),
            ("fever_check_day", "off" if config.fever_check_day is None else str(config.fever_check_day)),
            ("response_criterion", config.response_criterion or "off"),
        ),
    )


PROTOCOL = build()
