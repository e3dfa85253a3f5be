"""The catalogue holds every drug of drugs.md with names, codes, flags and
rules whose provenance is visible."""

from __future__ import annotations

import pytest

from remit.core.codes import ATC, RXNORM
from remit.core.medications import Route
from remit.core.provenance import Verification
from remit.drugs import DRUGS, INDICATIONS, Basis, all_rules, drug, find_drug
from remit.drugs.dose_rules import CapKind
from remit.drugs.sources import SOURCES
from remit.errors import UnknownCodeError

EXPECTED_IDS = {
    "anakinra",
    "canakinumab",
    "rilonacept",
    "tocilizumab",
    "methotrexate",
    "prednisolone",
    "prednisone",
    "methylprednisolone",
    "dexamethasone",
    "ciclosporin",
    "etoposide",
    "colchicine",
    "ibuprofen",
    "indomethacin",
    "naproxen",
    "etanercept",
    "infliximab",
    "cyclophosphamide",
    "ivig",
    "triamcinolone_hexacetonide",
}


def test_every_drug_of_the_reference_is_catalogued() -> None:
    assert set(DRUGS) == EXPECTED_IDS


@pytest.mark.parametrize(
    ("name", "drug_id"),
    [
        ("VP-16", "etoposide"),
        ("vp16", "etoposide"),
        ("CSA", "ciclosporin"),
        ("cyclosporine", "ciclosporin"),
        ("Cyclosporin A", "ciclosporin"),
        ("MTX", "methotrexate"),
        ("Kineret", "anakinra"),
        ("Ilaris", "canakinumab"),
        ("IVIG", "ivig"),
        ("prednisone", "prednisone"),
        ("Triamcinolone hexacetonide", "triamcinolone_hexacetonide"),
        ("IVMP", "methylprednisolone"),
        ("indometacin", "indomethacin"),
        ("CYC", "cyclophosphamide"),
    ],
    ids=str,
)
def test_names_and_abbreviations_find_the_drug(name: str, drug_id: str) -> None:
    assert find_drug(name).id == drug_id


def test_an_unknown_name_is_an_error_that_lists_the_ids() -> None:
    with pytest.raises(UnknownCodeError, match="anakinra"):
        find_drug("aspirin")
    with pytest.raises(UnknownCodeError):
        drug("Kineret")  # ids only


@pytest.mark.parametrize(
    ("drug_id", "system", "code", "verification"),
    [
        ("anakinra", ATC, "L04AC03", Verification.VERIFIED),
        ("anakinra", RXNORM, "72435", Verification.UNVERIFIED),
        ("methotrexate", RXNORM, "6851", Verification.VERIFIED),
        ("prednisolone", ATC, "H02AB06", Verification.VERIFIED),
        ("dexamethasone", ATC, "H02AB02", Verification.UNVERIFIED),
        ("etoposide", ATC, "L01CB01", Verification.UNVERIFIED),
        ("ivig", ATC, "J06BA02", Verification.VERIFIED),
        ("triamcinolone_hexacetonide", RXNORM, "10759", Verification.VERIFIED),
    ],
    ids=str,
)
def test_codes_carry_the_reference_verification_tags(
    drug_id: str, system: str, code: str, verification: Verification
) -> None:
    found = {c.coding.code: c.provenance.verification for c in drug(drug_id).codes_in(system)}
    assert found[code] is verification


def test_methotrexate_has_both_atc_codes_by_product() -> None:
    assert {c.coding.code for c in drug("methotrexate").atc} == {"L04AX03", "L01BA01"}


def test_nsaids_carry_no_invented_codes() -> None:
    assert all(not drug(d).codes for d in ("ibuprofen", "naproxen", "indomethacin"))


def test_class_flags() -> None:
    anakinra = drug("anakinra")
    assert anakinra.biologic
    assert anakinra.il1_inhibitor
    assert anakinra.anti_arthritis
    assert drug("canakinumab").il1_inhibitor
    assert drug("rilonacept").il1_inhibitor
    assert drug("tocilizumab").biologic
    assert not drug("tocilizumab").il1_inhibitor
    assert drug("methotrexate").dmard
    assert not drug("methotrexate").biologic
    assert all(
        drug(d).glucocorticoid
        for d in ("prednisolone", "prednisone", "methylprednisolone", "dexamethasone", "triamcinolone_hexacetonide")
    )
    assert not drug("colchicine").anti_arthritis


def test_iv_anakinra_is_flagged_off_label() -> None:
    assert drug("anakinra").off_label_route(Route.IV) is not None
    assert drug("anakinra").off_label_route(Route.SC) is None


def test_every_rule_is_traceable_and_consistent() -> None:
    for entry, rule in all_rules():
        assert rule.provenance.sources or rule.provenance.note, rule.id
        for key in rule.provenance.sources:
            assert key.split(":")[-1] in SOURCES, (rule.id, key)
        assert all(i in INDICATIONS for i in rule.indications), rule.id
        low, high = rule.usual
        if low is not None and high is not None:
            assert low <= high, rule.id
        if rule.maximum is not None and high is not None:
            assert rule.maximum >= high, rule.id
        for cap in rule.caps:
            if cap.kind is CapKind.USUAL:
                assert cap.frame is rule.basis.frame, rule.id
        assert rule.id.split(".")[0] in (entry.id, "prednisolone"), rule.id


@pytest.mark.parametrize(
    ("rule_id", "verification"),
    [
        ("anakinra.sjia.uptodate", Verification.VERIFIED),
        ("anakinra.sjia.eu_smpc_under_50kg", Verification.SECONDARY),
        ("anakinra.fmf.assumed_under_50kg", Verification.UNVERIFIED),
        ("anakinra.mkd_traps.caps_like", Verification.UNVERIFIED),
        ("tocilizumab.sjia.sc_under_30kg", Verification.SECONDARY),
        ("tocilizumab.pjia.sc_under_30kg", Verification.VERIFIED),
        ("prednisolone.sjia.active_systemic", Verification.UNVERIFIED),
        ("ciclosporin.hlh.hlh2004", Verification.UNVERIFIED),
        ("infliximab.kawasaki.refractory", Verification.UNVERIFIED),
        ("ivig.mas", Verification.UNVERIFIED),
        ("methotrexate.jia.marajia", Verification.VERIFIED),
    ],
    ids=str,
)
def test_rule_verification_follows_the_reference(rule_id: str, verification: Verification) -> None:
    entry = drug(rule_id.split(".", maxsplit=1)[0])
    assert entry.rule(rule_id).verification is verification


def test_methotrexate_cap_conflict_is_recorded_and_not_applied() -> None:
    rule = drug("methotrexate").rule("methotrexate.jia.marajia")
    assert rule.basis is Basis.MG_PER_M2_PER_WEEK
    assert rule.usual == (10, 15)
    assert rule.maximum is None
    assert not rule.caps
    assert any("25 mg/week" in c and "30 mg/week" in c for c in rule.conflicts)


@pytest.mark.parametrize(
    ("rule_id", "usual", "maximum", "caps"),
    [
        ("anakinra.sjia.uptodate", (2, 4), None, {(100, "day", "usual"), (200, "day", "maximum")}),
        ("anakinra.caps.eu_smpc", (1, 4), 8, set()),
        ("canakinumab.sjia.us_pi", (4, 4), None, {(300, "dose", "maximum")}),
        ("methylprednisolone.pulse", (15, 30), None, {(1000, "dose", "maximum")}),
        ("prednisolone.sjia.etg", (0.5, 1), None, {(60, "day", "maximum")}),
        ("ibuprofen.jia", (30, 40), None, {(2400, "day", "maximum"), (800, "dose", "maximum")}),
        ("etoposide.hlh94", (150, 150), None, set()),
        ("triamcinolone_hexacetonide.ia.uptodate", (0.5, 1), None, {(40, "dose", "maximum")}),
        ("ivig.kawasaki.single_infusion", (2000, 2000), None, set()),
    ],
    ids=lambda value: value if isinstance(value, str) else None,  # sets have no stable order across workers
)
def test_transcribed_figures(
    rule_id: str, usual: tuple[float, float], maximum: float | None, caps: set[tuple[float, str, str]]
) -> None:
    rule = drug(rule_id.split(".", maxsplit=1)[0]).rule(rule_id)
    assert rule.usual == usual
    assert rule.maximum == maximum
    assert {(c.mg, c.frame.value, c.kind.value) for c in rule.caps} == caps
