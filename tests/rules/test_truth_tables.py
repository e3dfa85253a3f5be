"""Truth refuses to be a Python bool, and its labels round-trip."""

from __future__ import annotations

import pytest

from remit.core.truth import Truth

ALL = list(Truth)
IDS = [t.name for t in ALL]


@pytest.mark.parametrize("truth", ALL, ids=IDS)
def test_bool_raises(truth: Truth) -> None:
    with pytest.raises(TypeError, match="three-valued"):
        bool(truth)


def _branch_on(truth: Truth) -> str:
    if truth:  # type: ignore[truthy-bool]  # the mistake this test proves impossible
        return "taken"
    return "not taken"


@pytest.mark.parametrize("truth", ALL, ids=IDS)
def test_if_raises(truth: Truth) -> None:
    with pytest.raises(TypeError):
        _branch_on(truth)


@pytest.mark.parametrize("truth", ALL, ids=IDS)
def test_python_not_and_or_raise(truth: Truth) -> None:
    """``not``, ``and`` and ``or`` call ``__bool__``; only ``~``, ``&`` and ``|`` are Kleene."""
    with pytest.raises(TypeError):
        _ = not truth
    with pytest.raises(TypeError):
        _ = truth and Truth.TRUE
    with pytest.raises(TypeError):
        _ = truth or Truth.FALSE


@pytest.mark.parametrize("truth", ALL, ids=IDS)
def test_comparison_with_members_is_allowed(truth: Truth) -> None:
    assert (truth is Truth.TRUE) == (truth == Truth.TRUE)


@pytest.mark.parametrize(("value", "truth"), [(True, Truth.TRUE), (False, Truth.FALSE), (None, Truth.UNKNOWN)])
def test_of_lifts_optional_bool(value: bool | None, truth: Truth) -> None:
    assert Truth.of(value) is truth
    assert truth.to_optional_bool() is value


@pytest.mark.parametrize(
    ("truth", "status"), [(Truth.TRUE, "met"), (Truth.FALSE, "not_met"), (Truth.UNKNOWN, "indeterminate")]
)
def test_status_labels_are_stable(truth: Truth, status: str) -> None:
    assert truth.status == status
    assert Truth.from_status(status) is truth


@pytest.mark.parametrize("truth", ALL, ids=IDS)
def test_status_round_trip(truth: Truth) -> None:
    assert Truth.from_status(truth.status) is truth
    assert Truth.of(truth.to_optional_bool()) is truth


@pytest.mark.parametrize("status", ["MET", "true", "", "unknown", "not met"])
def test_from_unknown_status_raises(status: str) -> None:
    with pytest.raises(ValueError, match="unknown status"):
        Truth.from_status(status)


def test_order_is_false_unknown_true() -> None:
    assert [t.value for t in (Truth.FALSE, Truth.UNKNOWN, Truth.TRUE)] == [0, 1, 2]
