"""Every conformance vignette, run through the per-patient interpreter."""

from __future__ import annotations

import math

import pytest

from remit.catalogue import get
from remit.rules.interpret import evaluate
from tests.conformance.vignettes import Vignette, all_vignettes

VIGNETTES = all_vignettes()


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[f"{v.instrument}: {v.name}" for v in VIGNETTES])
def test_vignette(vignette: Vignette) -> None:
    definition = get(vignette.instrument)
    result = evaluate(definition, vignette.record, vignette.index_date, baseline_date=vignette.baseline_date)
    expect = vignette.expect
    assert result.status == expect["status"], result.outcome.to_dict()
    if "score" in expect:
        assert result.score is not None
        assert result.score.is_point, f"score is an interval {result.score}"
        assert result.score.low == pytest.approx(expect["score"], abs=1e-6)
    if "score_bounds" in expect:
        assert result.score is not None
        low, high = expect["score_bounds"]
        assert result.score.low == pytest.approx(low, abs=1e-6)
        assert (math.isinf(result.score.high) and high is None) or result.score.high == pytest.approx(high, abs=1e-6)
    if "category" in expect:
        assert result.category == expect["category"]
    for node_id, status in expect.get("nodes", {}).items():
        outcome = result.outcome.find(node_id)
        assert outcome.truth is not None, f"{node_id} is a value node"
        assert outcome.truth.status == status, f"{node_id}: {outcome.to_dict()}"
    for fragment in expect.get("decisive_unknowns_contain", []):
        assert any(fragment in message for message in result.decisive_unknowns), result.decisive_unknowns


def test_every_instrument_has_vignettes() -> None:
    from remit.catalogue import INSTRUMENTS

    covered = {v.instrument for v in VIGNETTES}
    assert set(INSTRUMENTS) <= covered, sorted(set(INSTRUMENTS) - covered)
