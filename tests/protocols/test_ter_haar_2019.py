"""ter Haar 2019 treat-to-target: verified elements only by default, unverified checkpoints as configuration."""

from __future__ import annotations

from remit import protocols
from remit.protocols.model import Basis
from remit.protocols.results import StepState, TargetState
from remit.protocols.ter_haar_2019 import TreatToTarget, build
from tests.protocols.records import cohort


def test_default_strategy_has_no_unverified_time_point_target() -> None:
    protocol = protocols.get("ter_haar_2019")
    assert [t.id for t in protocol.targets] == ["inactive_at_taper_decision"]
    assert protocol.targets[0].source.basis is Basis.STATED
    assert dict(protocol.parameters) == {
        "inactive_criterion": "wallace_cid_2004",
        "taper_decision_day": "91",
        "response_check_day": "30",
        "checkpoint_window_days": "7",
        "taper_window_days": "14",
        "fever_check_day": "off",
        "response_criterion": "off",
    }


def test_unverified_checkpoints_are_opt_in_and_tagged() -> None:
    protocol = build(
        TreatToTarget(fever_check_day=3, response_criterion="acr_cid_2011", inactive_criterion="acr_cid_2011")
    )
    bases = {t.id: t.source.basis for t in protocol.targets}
    assert bases == {
        "fever_resolved": Basis.SECONDARY,
        "complete_response": Basis.UNVERIFIED,
        "inactive_at_taper_decision": Basis.STATED,
    }
    assert dict(protocol.parameters)["fever_check_day"] == "3"
    assert "acr_cid_2011" in protocol.targets[-1].label


def test_inactive_disease_at_the_taper_decision_and_taper_detected() -> None:
    record = cohort("c21-01")
    coverage = record.coverage()
    assert coverage is not None
    status = protocols.protocol_status(record, protocols.get("ter_haar_2019"), coverage[1])
    target = status.target("inactive_at_taper_decision")
    assert target.state is TargetState.MET
    assert target.met_day == 100
    assert status.step("taper").state is StepState.DETECTED


def test_no_inactive_disease_at_the_taper_decision_gives_the_verified_options() -> None:
    record = cohort("c21-26")  # sJIA with arthritis, partial response
    coverage = record.coverage()
    assert coverage is not None
    status = protocols.protocol_status(record, protocols.get("ter_haar_2019"), coverage[1])
    target = status.target("inactive_at_taper_decision")
    assert target.state is TargetState.MISSED
    assert target.escalation is not None
    assert "4 mg/kg rIL-1Ra, added prednisolone, or a switch to alternative therapy" in target.escalation
    assert "the choice is the treating team's" in status.next_action
