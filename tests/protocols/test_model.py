"""The protocol model and registry: Kleene combination of entry criteria, and
every shipped protocol refers only to things remit knows."""

from __future__ import annotations

import itertools

import pytest

from remit import catalogue, protocols
from remit.core.analytes import ANALYTES
from remit.core.truth import Truth
from remit.errors import UnknownCodeError
from remit.protocols.eligibility import combine, describe_rule
from remit.protocols.model import (
    AllRequired,
    AnyRequired,
    Basis,
    CriterionHolds,
    CriterionRef,
    Holds,
    Normalises,
    StepKind,
    criterion_ids,
)
from remit.rules import ast
from remit.rules.check import check

TRUTHS = (Truth.TRUE, Truth.UNKNOWN, Truth.FALSE)
AND = AllRequired("a and b", (CriterionRef("a"), CriterionRef("b")))
OR = AnyRequired("a or b", (CriterionRef("a"), CriterionRef("b")))
PAIRS = list(itertools.product(TRUTHS, TRUTHS))


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a.status}-{b.status}" for a, b in PAIRS])
def test_entry_criteria_combine_with_kleene_logic(a: Truth, b: Truth) -> None:
    assert combine(AND, {"a": a, "b": b}) is (a & b)
    assert combine(OR, {"a": a, "b": b}) is (a | b)


def test_unknown_and_false_is_false_and_unknown_or_true_is_true() -> None:
    assert combine(AND, {"a": Truth.UNKNOWN, "b": Truth.FALSE}) is Truth.FALSE
    assert combine(OR, {"a": Truth.UNKNOWN, "b": Truth.TRUE}) is Truth.TRUE
    assert combine(AND, {"a": Truth.UNKNOWN, "b": Truth.TRUE}) is Truth.UNKNOWN


def test_rules_are_described_with_parentheses_only_where_nested() -> None:
    nested = AllRequired(
        "x", (CriterionRef("ilar_sjia_2001"), AnyRequired("y", (CriterionRef("mas_2016"), CriterionRef("hlh_2004"))))
    )
    assert describe_rule(nested) == "ilar_sjia_2001 AND (mas_2016 OR hlh_2004)"
    assert criterion_ids(nested) == ("ilar_sjia_2001", "mas_2016", "hlh_2004")


def test_unknown_protocol_is_a_stable_error() -> None:
    with pytest.raises(UnknownCodeError, match="unknown protocol 'nope'; known: mas_anakinra_2009"):
        protocols.get("nope")


def test_registry_ids_are_the_module_ids() -> None:
    assert tuple(protocols.PROTOCOLS) == protocols.PROTOCOL_IDS


@pytest.mark.parametrize("protocol_id", protocols.PROTOCOL_IDS, ids=protocols.PROTOCOL_IDS)
def test_every_protocol_refers_only_to_known_criteria_analytes_and_instruments(protocol_id: str) -> None:
    protocol = protocols.get(protocol_id)
    if protocol.eligibility is not None:
        for criterion_id in criterion_ids(protocol.eligibility.rule):
            catalogue.get(criterion_id)
    for step in protocol.steps:
        assert step.source.text, f"{step.id} has no source text"
        for item in step.captures:
            assert (item.analyte is None) != (item.instrument is None)
            if item.analyte is not None:
                assert item.analyte in ANALYTES
            if item.instrument is not None:
                catalogue.get(item.instrument)
        if step.kind is StepKind.EVENT:
            assert step.optional
            assert step.detector is not None
        if step.kind is StepKind.ASSESSMENT:
            assert step.window_source is not None
    for target in protocol.targets:
        assert target.on_miss.text
        assert target.source.text
        if isinstance(target.check, Normalises):
            assert set(target.check.analytes) <= set(ANALYTES)
        elif isinstance(target.check, CriterionHolds):
            catalogue.get(target.check.criterion)
        else:
            assert isinstance(target.check, Holds)
            wrapped = ast.Criterion(
                f"{protocol.id}.{target.id}",
                protocol.version,
                target.label,
                ast.Kind.STATE,
                protocol.citation,
                ast.Verification.UNVERIFIED,
                target.check.node,
            )
            assert check(wrapped) == []


def test_the_mas_protocol_marks_its_targets_as_observed_courses_not_thresholds() -> None:
    protocol = protocols.get("mas_anakinra_2009")
    assert {t.source.basis for t in protocol.targets} == {Basis.OBSERVED}
    assert protocol.eligibility is not None
    assert protocol.eligibility.source.basis is Basis.STATED
    assert protocol.eligibility.window_source.basis is Basis.CHOSEN


def test_escalation_text_does_not_prescribe_ciclosporin() -> None:
    text = protocols.get("mas_anakinra_2009").targets[0].on_miss.text
    assert "not steps it prescribes" in text
    assert "treating team's decision" in text
