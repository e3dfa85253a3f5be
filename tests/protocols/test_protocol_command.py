"""``remit protocol`` through Typer's runner, on the shipped demo case files."""

from __future__ import annotations

import json

from typer.testing import CliRunner, Result

from remit.cli.app import app
from tests.protocols.records import PATIENT_1, PATIENT_2, cohort_path, seed_path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "REMIT_ACTOR": "tester"})


def test_status_of_patient_2_reads_as_her_course() -> None:
    result = run(
        "protocol", "status", str(seed_path(PATIENT_2)), "--protocol", "mas_anakinra_2009", "--today", "2009-03-02"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "day 0 = 2009-02-16 (first anakinra dose); today 2009-03-02 = day 14" in out
    assert "✔ Defervescence by day 3: met (window day 0..3 2009-02-16..2009-02-19)" in out
    assert "met on day 2 (2009-02-18)" in out
    assert "met on day 7 (2009-02-23)" in out
    assert "? mas_ravelli_2005 [conflict]: indeterminate" in out
    assert "decisive: Elevated AST (> 59 U/L): if met, the result would be MET" in out
    assert "✔ anakinra 2 mg/kg/day SC: recorded met" in out
    assert (
        "Next\n  The protocol's entry criteria are not shown to be met on the record (see eligibility). "
        "The protocol says:" in out
    )
    assert out.rstrip().endswith("Research use only: remit explains what the protocol says; the treating team decides.")


def test_status_json_is_the_stable_document() -> None:
    result = run(
        "protocol",
        "status",
        str(seed_path(PATIENT_1)),
        "--protocol",
        "mas_anakinra_2009",
        "--today",
        "2009-04-14",
        "--json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["patient"] == "seed-003-p1"
    (status,) = document["statuses"]
    assert status["protocol"] == "mas_anakinra_2009"
    assert status["start"] == "2008-10-11"
    assert {t["target"]: t["state"] for t in status["targets"]} == {
        "defervescence": "met",
        "granulocytes": "indeterminate",
        "laboratory": "indeterminate",
    }
    assert status["targets"][0]["met_day"] == 3
    assert status["targets"][0]["basis"] == "observed"
    assert status["eligibility"]["rule"] == "ilar_sjia_2001 AND mas_ravelli_2005"
    assert status["next_action"].startswith("The protocol's entry criteria")
    assert {"code", "severity", "message", "ref"} == set(status["alerts"][0])


def test_without_protocol_every_applicable_one_is_shown_as_of_the_latest_fact() -> None:
    result = run("protocol", "status", str(seed_path(PATIENT_2)))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "as of 2009-05-25, the latest recorded fact (use --today to change)\n"
        "protocols that apply to the patient's diagnoses: mas_anakinra_2009, "
        "cohort_followup_2021, ter_haar_2019 (use --protocol to pick one)"
    )
    for protocol_id in ("mas_anakinra_2009 —", "cohort_followup_2021 —", "ter_haar_2019 —"):
        assert protocol_id in result.output


def test_cohort_schedule_shows_visits_captures_and_widening_alerts() -> None:
    result = run("protocol", "status", str(cohort_path("c21-02")), "-p", "cohort_followup_2021")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Eligibility: no entry criteria (the schedule applies from day 0)" in out
    assert "  day 91 (77..105)       Month-3 assessment: done 2016-11-04..2016-12-02, on 2016-11-22\n" in out
    assert "~ AIDAI (daily diary): partial — 30 of 31 diary days recorded 2016-10-23..2016-11-22; aidai [0, 12]" in out
    assert "- Ferritin: not applicable — applies to sjia only" in out
    assert "[info] episode_during_widening: fever attack from 2017-01-26" in out


def test_unknown_protocol_and_bad_date_are_one_line_errors() -> None:
    unknown = run("protocol", "status", str(seed_path(PATIENT_2)), "--protocol", "nope")
    assert unknown.exit_code == 1
    assert "error: protocol: unknown protocol 'nope'" in unknown.output
    bad = run("protocol", "status", str(seed_path(PATIENT_2)), "--today", "14/03/2009")
    assert bad.exit_code == 1
    assert "error: --today: '14/03/2009' is not a date; expected YYYY-MM-DD" in bad.output


def test_list_and_show() -> None:
    listed = run("protocol", "list")
    assert listed.exit_code == 0, listed.output
    assert "mas_anakinra_2009  (treatment protocol; applies to mas)" in listed.output
    assert "cohort_followup_2021  (follow-up schedule; applies to any patient on anakinra)" in listed.output
    shown = run("protocol", "show", "mas_anakinra_2009")
    assert shown.exit_code == 0, shown.output
    assert "Entry criteria: ilar_sjia_2001 AND mas_ravelli_2005" in shown.output
    assert "defervescence: Defervescence by day 3 (window day 0..3)" in shown.output
    assert "basis: the source's reported course, not a published threshold" in shown.output
