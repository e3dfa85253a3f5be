"""The 2009 MAS protocol against the two patients of its abstract, step by step.

Expected courses, from the abstract (seed 003) as encoded in the demo case
files: patient 1 afebrile within 3 days, all labs normal "within 20 days";
patient 2 afebrile within 48 h, granulocytes normal within 7 days, all other
labs within 14 days. Day 0 is the first anakinra dose.
"""

from __future__ import annotations

import dataclasses

import pytest

from remit import protocols
from remit.core.measurements import measure
from remit.core.medications import Dose, Frequency
from remit.core.record import (
    Finding,
    Observation,
)
from remit.core.truth import Truth
from remit.protocols.results import ProtocolStatus, Severity, StepState, TargetState
from tests.protocols.records import PATIENT_1, PATIENT_2, day, lab, seed, with_observations

MAS = protocols.get("mas_anakinra_2009")


def status_on(name: str, n: int) -> ProtocolStatus:
    return protocols.protocol_status(seed(name), MAS, day(name, n))


def states(status: ProtocolStatus) -> dict[str, str]:
    return {t.target.id: t.state.value for t in status.targets}


# ---------------------------------------------------------------- patient 2, stepping through the course

PATIENT_2_COURSE = [
    # (protocol day, trial step, defervescence, granulocytes, laboratory)
    (-4, "not_started", "not_yet_assessable", "not_yet_assessable", "not_yet_assessable"),
    (0, "current", "not_yet_assessable", "not_yet_assessable", "not_yet_assessable"),
    (1, "current", "not_yet_assessable", "not_yet_assessable", "not_yet_assessable"),
    (2, "current", "met", "not_yet_assessable", "not_yet_assessable"),
    (7, "current", "met", "met", "not_yet_assessable"),
    (13, "current", "met", "met", "not_yet_assessable"),
    (14, "current", "met", "met", "met"),
    (15, "past", "met", "met", "met"),
    (98, "past", "met", "met", "met"),
]


@pytest.mark.parametrize(
    ("n", "trial", "defervescence", "granulocytes", "laboratory"),
    PATIENT_2_COURSE,
    ids=[f"day {row[0]}" for row in PATIENT_2_COURSE],
)
def test_patient_2_steps_through_the_protocol_as_her_course_shows(
    n: int, trial: str, defervescence: str, granulocytes: str, laboratory: str
) -> None:
    status = status_on(PATIENT_2, n)
    assert status.step("trial").state.value == trial
    assert states(status) == {"defervescence": defervescence, "granulocytes": granulocytes, "laboratory": laboratory}
    assert not [t for t in status.targets if t.state in (TargetState.MISSED, TargetState.INDETERMINATE)]


def test_patient_2_met_days_are_those_of_the_abstract() -> None:
    status = status_on(PATIENT_2, 98)
    met = {t.target.id: t.met_day for t in status.targets}
    assert met == {"defervescence": 2, "granulocytes": 7, "laboratory": 14}  # 48 h, 7 days, 14 days
    assert status.target("defervescence").evidence[0].text == "fever absent 2009-02-18"
    judged = {i.analyte for i in status.target("laboratory").items if i.judged}
    assert judged == {"platelets", "wbc", "haemoglobin", "ast", "alt", "ggt", "ldh", "ferritin", "d_dimer"}
    assert all(i.truth is Truth.TRUE for i in status.target("laboratory").items if i.judged)


def test_patient_2_agranulocytosis_without_a_reference_range_is_judged_not_assumed_normal() -> None:
    """Neutrophils "<0.5" carry no reference range: not provably normal at entry, so judged."""
    (item,) = status_on(PATIENT_2, 98).target("granulocytes").items
    assert item.judged
    assert item.truth is Truth.TRUE
    assert item.evidence[0].ref == "o-neutrophils-7"


def test_before_day_0_the_protocol_says_when_it_may_start() -> None:
    status = status_on(PATIENT_2, -4)
    assert status.start is None
    assert status.next_action.startswith("The protocol says: when a child meets the entry criteria")
    assert [a.code for a in status.alerts] == ["not_started", "eligibility_indeterminate"]


def test_during_the_trial_the_next_target_is_named_with_its_date() -> None:
    status = status_on(PATIENT_2, 1)
    assert status.current_step == "trial"
    assert status.target("defervescence").note == "due by 2009-02-19 (day 3); not met as of 2009-02-17"
    assert "Next on the protocol: Defervescence by day 3 (by 2009-02-19)." in status.next_action
    assert "due: Defervescence by day 3 (by 2009-02-19)" in status.due


def test_facts_recorded_after_today_are_not_used() -> None:
    """As of day 6 the day-7 neutrophil count is in the future."""
    status = status_on(PATIENT_2, 6)
    assert status.target("granulocytes").state is TargetState.NOT_YET_ASSESSABLE
    assert status.target("granulocytes").met_on is None


def test_patient_2_trial_actions_are_recorded() -> None:
    actions = status_on(PATIENT_2, 98).step("trial").actions
    assert [a.truth for a in actions] == [Truth.TRUE, Truth.TRUE]
    assert actions[1].evidence[0].ref == "m-dexamethasone"


# ---------------------------------------------------------------- patient 1


def test_patient_1_defervesces_on_day_3() -> None:
    target = status_on(PATIENT_1, 3).target("defervescence")
    assert target.state is TargetState.MET
    assert target.met_day == 3


def test_patient_1_labs_are_not_shown_normal_by_day_14_only_by_day_20() -> None:
    """The abstract: "All lab values normalized within 20 days" - not a miss, not a met target."""
    status = status_on(PATIENT_1, 185)
    target = status.target("laboratory")
    assert target.state is TargetState.INDETERMINATE
    assert "met later, on day 20 (2008-10-31), after the window closed" in target.note
    judged = {i.analyte for i in target.items if i.judged}
    assert judged == {"platelets", "ast", "alt", "ferritin", "d_dimer", "crp", "esr"}
    assert "target_indeterminate" in [a.code for a in status.alerts]
    assert "target_missed" not in [a.code for a in status.alerts]


def test_patient_1_had_no_granulocyte_count_so_that_target_is_indeterminate() -> None:
    target = status_on(PATIENT_1, 185).target("granulocytes")
    assert target.state is TargetState.INDETERMINATE
    assert target.note.startswith("no value at entry of Neutrophil count")


def test_patient_1_trial_step_after_the_trial_says_what_the_abstract_reports_without_ordering() -> None:
    status = status_on(PATIENT_1, 185)
    assert status.step("trial").state is StepState.PAST
    assert "sets no protocol step after the trial" in status.next_action
    assert "The record cannot show whether these targets were met" in status.next_action


# ---------------------------------------------------------------- eligibility


@pytest.mark.parametrize("name", [PATIENT_1, PATIENT_2], ids=["patient 1", "patient 2"])
def test_ravelli_is_indeterminate_on_qualitative_labs_with_decisive_unknowns(name: str) -> None:
    """The abstract says the patients met Ravelli 2005; "transaminases high" against a 40 U/L
    limit cannot prove AST > 59 U/L, so the rule stays indeterminate and says what would decide it."""
    eligibility = status_on(name, 0).eligibility
    assert eligibility is not None
    ravelli = next(c for c in eligibility.criteria if c.criterion == "mas_ravelli_2005")
    assert ravelli.truth is Truth.UNKNOWN
    assert ravelli.decisive_unknowns[0] == "Elevated AST (> 59 U/L): if met, the result would be MET"
    assert any(e.ref == "o-ast-mas" for e in ravelli.evidence)  # judged at the MAS labs, before day 0


@pytest.mark.parametrize("name", [PATIENT_1, PATIENT_2], ids=["patient 1", "patient 2"])
def test_eligibility_is_never_met_on_qualitative_data_and_is_the_kleene_and(name: str) -> None:
    eligibility = status_on(name, 0).eligibility
    assert eligibility is not None
    assert eligibility.truth is not Truth.TRUE
    combined = Truth.TRUE
    for criterion in eligibility.criteria:
        combined = combined & criterion.truth
    assert eligibility.truth is combined


@pytest.mark.parametrize("name", [PATIENT_1, PATIENT_2], ids=["patient 1", "patient 2"])
def test_eligibility_is_indeterminate_when_the_sjia_history_is_not_on_record(name: str) -> None:
    eligibility = status_on(name, 0).eligibility
    assert eligibility is not None
    assert eligibility.truth is Truth.UNKNOWN


# ---------------------------------------------------------------- misses and escalation


def test_fever_at_the_last_assessment_by_day_3_misses_defervescence_and_quotes_the_escalation() -> None:
    record = seed(PATIENT_2)
    still_febrile = Finding("f-fever-day-3", "fever", day(PATIENT_2, 3), present=True)
    record = dataclasses.replace(
        record,
        findings=(*(f for f in record.findings if f.id != "f-fever-48h"), still_febrile),
        encounters=tuple(e for e in record.encounters if e.id != "e-48h"),
    )
    status = protocols.protocol_status(record, MAS, day(PATIENT_2, 4))
    target = status.target("defervescence")
    assert target.state is TargetState.MISSED
    assert target.note == "not met at the last assessment in the window, day 3 (2009-02-19)"
    assert target.escalation == MAS.target("defervescence").on_miss.text
    missed = next(a for a in status.alerts if a.code == "target_missed")
    assert missed.severity is Severity.WARNING
    assert "The protocol says: anakinra with a corticosteroid is allowed as a two-week trial" in status.next_action
    assert "not steps it prescribes" in status.next_action
    assert "treating team's decision" in status.next_action


def test_granulocytes_low_on_day_14_are_a_miss_unless_normal_earlier_in_the_window() -> None:
    low = lab("o-neutrophils-14", "neutrophils", "0.9", day(PATIENT_2, 14), 1.5, 8.0, "10*9/L")
    record = with_observations(seed(PATIENT_2), low)
    target = protocols.protocol_status(record, MAS, day(PATIENT_2, 20)).target("granulocytes")
    # met on day 7, then low again on day 14: the target was reached within the window
    assert target.state is TargetState.MET
    record = dataclasses.replace(
        record, observations=tuple(o for o in record.observations if o.id != "o-neutrophils-7")
    )
    target = protocols.protocol_status(record, MAS, day(PATIENT_2, 20)).target("granulocytes")
    assert target.state is TargetState.MISSED


def test_a_later_unknown_assessment_keeps_a_target_open() -> None:
    """High ferritin on day 10; on day 14 a ferritin without a reference range cannot be judged: not a miss.
    Without the day-14 value the latest ferritin is the high one: missed."""
    high = lab("o-ferritin-10", "ferritin", "900", day(PATIENT_2, 10), 10, 150, "ng/mL")
    others = tuple(o for o in seed(PATIENT_2).observations if o.id != "o-ferritin-14")
    unjudgeable = Observation("o-ferritin-14b", measure("ferritin", "120", "ng/mL"), day(PATIENT_2, 14))
    record = dataclasses.replace(seed(PATIENT_2), observations=(*others, high, unjudgeable))
    target = protocols.protocol_status(record, MAS, day(PATIENT_2, 20)).target("laboratory")
    assert target.state is TargetState.INDETERMINATE
    record = dataclasses.replace(seed(PATIENT_2), observations=(*others, high))
    target = protocols.protocol_status(record, MAS, day(PATIENT_2, 20)).target("laboratory")
    assert target.state is TargetState.MISSED
    ferritin = next(i for i in target.items if i.analyte == "ferritin")
    assert ferritin.truth is Truth.FALSE
    assert ferritin.evidence[0].ref == "o-ferritin-10"


def test_a_missing_corticosteroid_is_shown_as_not_recorded() -> None:
    record = seed(PATIENT_1)
    record = dataclasses.replace(record, medications=tuple(m for m in record.medications if m.id != "m-prednisolone-2"))
    status = protocols.protocol_status(record, MAS, day(PATIENT_1, 5))
    anakinra, steroid = status.step("trial").actions
    assert anakinra.truth is Truth.TRUE
    assert steroid.truth is Truth.FALSE  # within the record's coverage: medication lists are complete
    assert any(a.code == "action_not_recorded" and a.severity is Severity.WARNING for a in status.alerts)


def test_a_different_anakinra_dose_is_shown() -> None:
    record = seed(PATIENT_2)
    course = next(m for m in record.medications if m.drug == "anakinra")
    four = dataclasses.replace(course, doses=(Dose(course.start, 4, "mg/kg", Frequency.DAILY),))
    record = dataclasses.replace(record, medications=tuple(four if m is course else m for m in record.medications))
    (anakinra, _) = protocols.protocol_status(record, MAS, day(PATIENT_2, 1)).step("trial").actions
    assert anakinra.truth is Truth.FALSE
    assert anakinra.note == "m-anakinra: 4 mg/kg/day recorded"


def test_next_action_is_never_an_order() -> None:
    for name in (PATIENT_1, PATIENT_2):
        for n in (-4, 1, 3, 14, 60):
            text = status_on(name, n).next_action
            assert text.startswith(("The protocol says", "The protocol's entry criteria", "The record shows")), text
