"""Pushing the necessary conditions down changes nothing but the work done:
on every conformance vignette and on random patients, the pruned compiler
gives the unpruned compiler's truth column, and every column of every row it
did not prune; on pruned rows the definition is NOT MET and the gates keep
their real values."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.catalogue import INSTRUMENTS, get
from remit.rules import ast
from remit.screening.backends import create_table, load_arrow
from remit.screening.compile import Compiler, column_name
from remit.screening.facts import facts_from_records, spine_table
from remit.screening.pushdown import gates, necessary_nodes
from tests.conformance.vignettes import Vignette, all_vignettes
from tests.screening.agreement import renamed
from tests.screening.random_patients import INDEX, baseline_for, patient_for

BY_INSTRUMENT: dict[str, list[Vignette]] = defaultdict(list)
for _v in all_vignettes():
    BY_INSTRUMENT[_v.instrument].append(_v)


def test_the_gates_of_mas_2016_are_its_top_level_single_items() -> None:
    # rule = AllOf(febrile, AnyOf(sjia diagnosis), ferritin > 684, AtLeast(2, labs)):
    # fever, the sJIA diagnosis (only item of its AnyOf) and ferritin are necessary
    # and cheap; "2 of 4 labs" is necessary but not a single leaf.
    rule = get("mas_2016").rule
    assert sorted(g.id for g in gates(rule)) == ["febrile", "ferritin", "sjia.diagnosis"]
    assert {n.id for n in necessary_nodes(rule)["rule"]} == {
        "rule",
        "febrile",
        "sjia",
        "sjia.diagnosis",
        "ferritin",
        "labs",
    }


def test_an_any_of_has_no_gates() -> None:
    # HLH 2004: the molecular diagnosis OR 5 of 8 criteria - no single item is necessary.
    assert gates(get("hlh_2004").rule) == []


def test_a_not_over_a_leaf_is_a_gate() -> None:
    # ACR 2011 inactive disease: "no active uveitis" is Not(HasFinding) under the top AllOf.
    assert "no_uveitis" in {g.id for g in gates(get("acr_cid_2011").rule)}


def _same(a: Any, b: Any) -> bool:
    def norm(x: Any) -> Any:
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return None
        return x.item() if hasattr(x, "item") else x

    return bool(norm(a) == norm(b))


def _both(
    con: Any, definition: ast.Criterion, records: list[Any], pairs: list[Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    facts = load_arrow(con, facts_from_records(records), prefix="prune_")
    spine = create_table(con, "prune_spine", spine_table(pairs))
    plain = con.execute(Compiler(facts).compile(definition, spine)).to_dict(orient="records")
    pruned = con.execute(Compiler(facts, prune=True).compile(definition, spine)).to_dict(orient="records")
    return {r["person_id"]: r for r in plain}, {r["person_id"]: r for r in pruned}


def _check(definition: ast.Criterion, plain: dict[str, Any], pruned: dict[str, Any]) -> list[str]:
    problems = []
    rule = column_name(definition.rule.id)
    gate_columns = {column_name(g.id) for g in gates(definition.rule)}
    for pid, row in pruned.items():
        full = plain[pid]
        if not _same(row[rule], full[rule]):
            problems.append(f"{pid}: truth pruned {row[rule]}, unpruned {full[rule]}")
        if row["pruned"]:
            if full[rule] is not False or not any(full[c] is False for c in gate_columns):
                problems.append(f"{pid}: pruned, but the unpruned result is {full[rule]}")
            problems += [f"{pid}: gate {c} differs" for c in gate_columns if not _same(row[c], full[c])]
        else:
            problems += [f"{pid}: {c} differs" for c in full if not _same(row[c], full[c])]
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("instrument", sorted(BY_INSTRUMENT))
def test_pruning_changes_no_result_on_the_vignettes(instrument: str) -> None:
    definition = get(instrument)
    vignettes = BY_INSTRUMENT[instrument]
    records = [renamed(v.record, f"p{i}") for i, v in enumerate(vignettes)]
    pairs = [(f"p{i}", v.index_date, v.baseline_date) for i, v in enumerate(vignettes)]
    plain, pruned = _both(ibis.duckdb.connect(), definition, records, pairs)
    assert not _check(definition, plain, pruned)


def test_pruning_prunes_the_mas_2016_vignettes_with_low_ferritin() -> None:
    """Not a vacuous pass: some vignette rows are pruned, and only NOT MET ones."""
    definition = get("mas_2016")
    vignettes = BY_INSTRUMENT["mas_2016"]
    records = [renamed(v.record, f"p{i}") for i, v in enumerate(vignettes)]
    pairs = [(f"p{i}", v.index_date, v.baseline_date) for i, v in enumerate(vignettes)]
    _, pruned = _both(ibis.duckdb.connect(), definition, records, pairs)
    cut = [r for r in pruned.values() if r["pruned"]]
    assert cut, "no mas_2016 vignette was pruned"
    assert all(r["rule"] is False and r["mas_2016"] is False for r in cut)
    assert all(r["labs"] is None for r in cut)  # not computed on pruned rows (documented)


RANDOM = ["mas_2016", "acr_cid_2011", "ilar_sjia_2001", "eurofever_fmf_2019", "jadas10"]


@pytest.mark.slow
@pytest.mark.parametrize("instrument", RANDOM)
def test_pruning_changes_no_result_on_random_patients(instrument: str) -> None:
    definition = INSTRUMENTS[instrument]
    con = ibis.duckdb.connect()

    @settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data: st.DataObject) -> None:
        records = [data.draw(patient_for(definition, f"p{i}")) for i in range(12)]
        baseline = baseline_for(definition)
        plain, pruned = _both(con, definition, records, [(r.patient.id, INDEX, baseline) for r in records])
        problems = _check(definition, plain, pruned)
        assert not problems, "\n".join(problems[:20])

    check()


@pytest.mark.postgres
def test_pruning_composes_with_materialised_levels_on_postgresql(postgres_url: str) -> None:
    """On PostgreSQL both stages are chains of materialised CTEs; pruning still
    changes no result (ACR 2011 inactive disease: gates under a deep AllOf)."""
    from remit.screening.backends import connect

    definition = get("acr_cid_2011")
    vignettes = BY_INSTRUMENT["acr_cid_2011"]
    records = [renamed(v.record, f"p{i}") for i, v in enumerate(vignettes)]
    pairs = [(f"p{i}", v.index_date, v.baseline_date) for i, v in enumerate(vignettes)]
    con = connect("postgres", postgres_url)
    try:
        con.raw_sql("SET statement_timeout = '60s'").close()
        plain, pruned = _both(con, definition, records, pairs)
    finally:
        con.disconnect()
    assert any(r["pruned"] for r in pruned.values())
    assert not _check(definition, plain, pruned)
