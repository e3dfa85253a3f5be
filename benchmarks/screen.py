"""Benchmark: population screening with ``remit screen`` against a bare scan and a naive SQL.

For each scale (measurement rows; 500 rows per patient, so 50M rows is
100,000 patients) on one synthetic extract (``remit synth``, seed 0):

* **bare scan** - DuckDB reads ``measurement.parquet`` and aggregates value
  per concept: the floor any screen over these rows pays;
* **naive SQL** - hand-written: pivot the five MAS 2016 labs per patient-day
  (same-day values, units converted by the factors remit's units library
  gives), join fever and the sJIA diagnosis, apply the rule in two-valued
  logic (missing = not met), write the MET days to Parquet;
* **hand-written windowed SQL** - what a careful analyst would write for
  remit's reading of the rule, as a second floor: the same look-ups, each lab's
  latest value within 3 days (ASOF joins), fever within 3 days, three-valued
  "at least 2 of 4" and MET/INDETERMINATE rows with their lab values written;
  it leaves out what remit adds (text values and comparators, plausibility,
  reference ranges, coverage, the attrition summary);
* **remit screen** - ``remit screen --instrument mas_2016`` on DuckDB as a
  user runs it (a fresh process: reading the extract, unit normalisation,
  compiling, executing, the explanation matrix of every MET and
  INDETERMINATE day to Parquet, attrition, unusable-row report);
* **interpreter** - the per-patient engine: a sample of patients read with
  the OMOP reader and evaluated on each of their evaluation dates, timed and
  extrapolated to the whole population.

Every part runs in its own process; its wall time and peak RSS
(``resource.getrusage``) are reported, with the load average around it.
Targets (issue 8): remit within 10x of the bare scan and at least 3x faster
than the naive SQL. Results go to docs/benchmarks.md.

Run: ``.venv/bin/python benchmarks/screen.py --rows 1M,10M`` (add 50M on a
quiet machine; extracts are cached under ``--work``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROWS_PER_PATIENT = 500
LABS = ("ferritin", "platelets", "ast", "triglycerides", "fibrinogen")


def _scale(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


def _child(part: str, directory: Path, extra: list[str]) -> dict[str, Any]:
    """Run one part in a fresh process; it prints a JSON line with its figures."""
    before = os.getloadavg()[0]
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--part", part, "--dir", str(directory), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{part} failed:\n{done.stdout}\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures.update(wall=wall, load_before=before, load_after=os.getloadavg()[0])
    return figures


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ----- the parts (each runs in its own process)


def part_generate(directory: Path, rows: int) -> dict[str, Any]:
    from remit.screening.synth import generate

    extract = generate(directory, patients=max(rows // ROWS_PER_PATIENT, 1), seed=0, measurements_per_patient=500)
    return {"rows": extract.rows}


def part_bare(directory: Path) -> dict[str, Any]:
    import duckdb

    began = time.perf_counter()
    found = duckdb.sql(
        "SELECT measurement_concept_id, count(*), avg(value_as_number) "
        f"FROM read_parquet('{directory / 'measurement.parquet'}') GROUP BY 1"
    ).fetchall()
    return {"seconds": time.perf_counter() - began, "groups": len(found)}


def part_naive(directory: Path) -> dict[str, Any]:
    import duckdb

    from remit.catalogue import INSTRUMENTS

    began = time.perf_counter()
    con = _lookups(duckdb)
    rule = INSTRUMENTS["mas_2016"]
    thresholds = {n.id: n.threshold for n in _compares(rule.rule)}
    m, o, c = (directory / f"{t}.parquet" for t in ("measurement", "observation", "condition_occurrence"))
    sql = f"""
    COPY (
      WITH labs AS (
        SELECT m.person_id, m.measurement_date AS day, k.analyte,
               m.value_as_number * u.scale + u.off AS value
        FROM read_parquet('{m}') m
        JOIN codes k ON k.code = m.measurement_source_value
        JOIN units u ON u.analyte = k.analyte AND u.unit = m.unit_source_value
        WHERE k.analyte IN {LABS}
      ),
      per_day AS (
        SELECT person_id, day,
          max(value) FILTER (WHERE analyte = 'ferritin') AS ferritin,
          min(value) FILTER (WHERE analyte = 'platelets') AS platelets,
          max(value) FILTER (WHERE analyte = 'ast') AS ast,
          max(value) FILTER (WHERE analyte = 'triglycerides') AS triglycerides,
          min(value) FILTER (WHERE analyte = 'fibrinogen') AS fibrinogen
        FROM labs GROUP BY person_id, day
      ),
      fever AS (
        SELECT DISTINCT person_id, observation_date AS day FROM read_parquet('{o}')
        WHERE observation_source_value = 'fever' AND value_as_string = 'present'
      ),
      sjia AS (SELECT DISTINCT person_id FROM read_parquet('{c}') WHERE condition_source_value = 'sjia')
      SELECT p.* FROM per_day p
      JOIN fever f USING (person_id, day)
      JOIN sjia s USING (person_id)
      WHERE p.ferritin > {thresholds["ferritin"]}
        AND (coalesce(p.platelets <= {thresholds["platelets"]}, false)::INT
           + coalesce(p.ast > {thresholds["ast"]}, false)::INT
           + coalesce(p.triglycerides > {thresholds["triglycerides"]}, false)::INT
           + coalesce(p.fibrinogen <= {thresholds["fibrinogen"]}, false)::INT) >= 2
    ) TO '{directory / "naive.parquet"}' (FORMAT parquet)
    """
    con.execute(sql)
    met = con.execute(f"SELECT count(*) FROM read_parquet('{directory / 'naive.parquet'}')").fetchone()
    return {"seconds": time.perf_counter() - began, "met_days": met[0] if met else 0}


def _lookups(duckdb: Any) -> Any:
    """A DuckDB connection with the analyte codes and unit factors (remit's own
    look-ups) as two small tables, for the hand-written queries."""
    from remit.interop.omop.concepts import ConceptMap
    from remit.screening.omop_values import analyte_codes, resolve_unit

    con = duckdb.connect()
    concepts = ConceptMap.load()
    codes = analyte_codes().to_pylist()
    units = []
    for unit in ("ng/mL", "ug/L", "10*9/L", "10*3/uL", "U/L", "mg/dL", "mmol/L", "g/L"):
        for lab in LABS:
            scale, offset, problem = resolve_unit(lab, f"T:{unit}", concepts)
            if problem is None:
                units.append((lab, unit, scale, offset))
    con.execute("CREATE TABLE codes (code VARCHAR, analyte VARCHAR)")
    con.executemany("INSERT INTO codes VALUES (?, ?)", [(c["code"], c["analyte"]) for c in codes])
    con.execute("CREATE TABLE units (analyte VARCHAR, unit VARCHAR, scale DOUBLE, off DOUBLE)")
    con.executemany("INSERT INTO units VALUES (?, ?, ?, ?)", units)
    return con


def part_hand(directory: Path) -> dict[str, Any]:
    """The hand-written windowed, three-valued query (module docstring)."""
    import duckdb

    from remit.catalogue import INSTRUMENTS

    began = time.perf_counter()
    con = _lookups(duckdb)
    from remit.rules import ast

    rule = INSTRUMENTS["mas_2016"].rule
    compares = {n.id: n for n in _compares(rule)}
    thresholds = {k: (n.op.value, n.threshold) for k, n in compares.items()}
    # the look-back windows as the definition sets them (not typed here)
    days = compares["ferritin"].value.window.days_before
    assert all(compares[a].value.window.days_before == days for a in LABS), "one window for every lab"
    fever_days = next(n.window.days_before for n in rule.items if isinstance(n, ast.HasFinding))
    m, o, c = (directory / f"{t}.parquet" for t in ("measurement", "observation", "condition_occurrence"))
    latest = "\n".join(
        f"ASOF LEFT JOIN (SELECT person_id p, day d, value v FROM day_latest WHERE analyte = '{a}') {a} "
        f"ON {a}.p = s.person_id AND {a}.d <= s.day"
        for a in LABS
    )
    values = ", ".join(f"CASE WHEN {a}.d >= s.day - {days} THEN {a}.v END AS {a}_value" for a in LABS)
    items = {a: f"({a}_value {thresholds[a][0]} {thresholds[a][1]})" for a in LABS}
    four = [a for a in LABS if a != "ferritin"]
    met = " + ".join(f"coalesce({items[a]}::INT, 0)" for a in four)
    unknown = " + ".join(f"({a}_value IS NULL)::INT" for a in four)
    sql = f"""
    COPY (
      WITH labs AS (
        SELECT m.person_id, m.measurement_date AS day, m.measurement_id AS seq, k.analyte,
               m.value_as_number * u.scale + u.off AS value
        FROM read_parquet('{m}') m
        JOIN codes k ON k.code = m.measurement_source_value
        JOIN units u ON u.analyte = k.analyte AND u.unit = m.unit_source_value
        WHERE k.analyte IN {LABS}
      ),
      day_latest AS (SELECT person_id, day, analyte, arg_max(value, seq) AS value FROM labs GROUP BY ALL),
      spine AS (SELECT DISTINCT person_id, day FROM labs),
      fever AS (
        SELECT DISTINCT person_id, observation_date AS day FROM read_parquet('{o}')
        WHERE observation_source_value = 'fever' AND value_as_string = 'present'
      ),
      sjia AS (SELECT DISTINCT person_id FROM read_parquet('{c}') WHERE condition_source_value = 'sjia'),
      v AS (SELECT s.person_id, s.day, {values} FROM spine s {latest}),
      x AS (
        SELECT v.*, f.day >= v.day - {fever_days} AS febrile, j.person_id IS NOT NULL AS sjia,
               {items["ferritin"]} AS ferritin, {met} AS k_met, {unknown} AS k_unknown
        FROM v ASOF LEFT JOIN fever f ON f.person_id = v.person_id AND f.day <= v.day
        LEFT JOIN sjia j ON j.person_id = v.person_id
      ),
      y AS (
        SELECT *, CASE WHEN k_met >= 2 THEN TRUE WHEN k_met + k_unknown < 2 THEN FALSE END AS labs FROM x
      )
      SELECT *, CASE WHEN NOT ferritin OR NOT labs OR NOT sjia THEN FALSE
                     WHEN ferritin AND labs AND sjia AND febrile THEN TRUE END AS rule
      FROM y WHERE rule IS NOT FALSE
    ) TO '{directory / "hand.parquet"}' (FORMAT parquet)
    """
    con.execute(sql)
    found = con.execute(
        f"SELECT count(*) FILTER (WHERE rule), count(*) FILTER (WHERE rule IS NULL) "
        f"FROM read_parquet('{directory / 'hand.parquet'}')"
    ).fetchone()
    met_days, unknown_days = found if found else (0, 0)
    return {"seconds": time.perf_counter() - began, "met_days": met_days, "indeterminate_days": unknown_days}


def _compares(node: Any) -> list[Any]:
    from remit.rules import ast
    from remit.rules.tree import children_of

    found, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Compare):
            found.append(n)
        stack.extend(children_of(n))
    return found


def part_remit(directory: Path) -> dict[str, Any]:
    from typer.testing import CliRunner

    from remit.cli.app import app

    began = time.perf_counter()
    out = directory / "remit-results" / "mas_2016.parquet"
    done = CliRunner().invoke(
        app, ["screen", "--instrument", "mas_2016", "--source", str(directory), "--out", str(out)]
    )
    if done.exit_code != 0:
        raise SystemExit(done.output)
    return {"seconds": time.perf_counter() - began, "output": done.output[-2000:]}


def part_interpreter(directory: Path, sample: int) -> dict[str, Any]:
    import duckdb

    from remit.catalogue import INSTRUMENTS
    from remit.interop.omop import read_omop, source_for
    from remit.rules.interpret import evaluate
    from remit.screening.run import needs

    definition = INSTRUMENTS["mas_2016"]
    cut = directory / f"sample-{sample}"
    if not cut.exists():
        cut.mkdir()
        for table in ("person", "observation_period", "visit_occurrence", "condition_occurrence"):
            _copy_sample(duckdb, directory, cut, table, sample)
        for table in ("drug_exposure", "measurement", "observation"):
            _copy_sample(duckdb, directory, cut, table, sample)
    began = time.perf_counter()
    records = read_omop(source_for(str(cut))).records
    read_seconds = time.perf_counter() - began
    analytes = needs(definition).analytes
    began = time.perf_counter()
    evaluations = 0
    for record in records:
        days = sorted({o.date for a in analytes for o in record.values(a)} | {f.start for f in record.findings})
        for day in days:
            evaluate(definition, record, day)
            evaluations += 1
    evaluate_seconds = time.perf_counter() - began
    patients = duckdb.sql(f"SELECT count(*) FROM read_parquet('{directory / 'person.parquet'}')").fetchone()
    total = patients[0] if patients else 0
    per_patient = (read_seconds + evaluate_seconds) / max(len(records), 1)
    return {
        "sample": len(records),
        "evaluations": evaluations,
        "read_seconds": read_seconds,
        "evaluate_seconds": evaluate_seconds,
        "seconds": per_patient * total,  # extrapolated to every patient
    }


def _copy_sample(duckdb: Any, directory: Path, cut: Path, table: str, sample: int) -> None:
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{directory / (table + '.parquet')}') WHERE person_id <= {sample}) "
        f"TO '{cut / (table + '.parquet')}' (FORMAT parquet)"
    )


PARTS = {"generate", "bare", "naive", "hand", "remit", "interpreter"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1M,10M", help="comma-separated scales in measurement rows (1M,10M,50M)")
    parser.add_argument("--work", default="/tmp/remit-bench", help="where extracts are generated and cached")
    parser.add_argument("--sample", type=int, default=100, help="patients the interpreter is timed on")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip (naive,interpreter,...)")
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        directory = Path(args.dir)
        figures = {
            "generate": lambda: part_generate(directory, args.n),
            "bare": lambda: part_bare(directory),
            "naive": lambda: part_naive(directory),
            "hand": lambda: part_hand(directory),
            "remit": lambda: part_remit(directory),
            "interpreter": lambda: part_interpreter(directory, args.sample),
        }[args.part]()
        figures["peak_mb"] = _peak_mb()
        print(json.dumps(figures, default=str))
        return
    skip = set(filter(None, args.skip.split(",")))
    rows_out = []
    for text in args.rows.split(","):
        rows = _scale(text)
        directory = Path(args.work) / f"rows-{text.strip()}"
        if not (directory / "measurement.parquet").exists():
            print(f"generating {text} rows in {directory} ...", file=sys.stderr)
            _child("generate", directory, ["--n", str(rows)])
        figures = {}
        for part in ("bare", "naive", "hand", "remit", "interpreter"):
            if part in skip:
                continue
            print(f"{text}: {part} ...", file=sys.stderr)
            figures[part] = _child(part, directory, ["--sample", str(args.sample)])
        rows_out.append((text, directory, figures))
    _print_table(rows_out)


def _print_table(results: list[tuple[str, Path, dict[str, Any]]]) -> None:
    import duckdb

    print(
        f"\n{date.today()} - {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print("\n| rows | patients | part | seconds | peak RSS (MB) | load before/after | vs bare scan |")
    print("|---|---|---|---|---|---|---|")
    for text, directory, figures in results:
        found = duckdb.sql(
            f"SELECT (SELECT count(*) FROM read_parquet('{directory / 'measurement.parquet'}')), "
            f"(SELECT count(*) FROM read_parquet('{directory / 'person.parquet'}'))"
        ).fetchone()
        measured, patients = found if found else (0, 0)
        bare = figures.get("bare", {}).get("seconds")
        for part, f in figures.items():
            seconds = f["seconds"] if part != "remit" else f["wall"]
            ratio = f"{seconds / bare:.1f}x" if bare else ""
            note = " (extrapolated)" if part == "interpreter" else ""
            print(
                f"| {measured:,} | {patients:,} | {part}{note} | {seconds:.1f} | {f['peak_mb']:.0f} | "
                f"{f['load_before']:.1f}/{f['load_after']:.1f} | {ratio} |"
            )
        if "remit" in figures:
            output = figures["remit"]["output"]
            print(f"\n<details><summary>remit screen output ({text})</summary>\n\n```\n{output}\n```\n</details>\n")


if __name__ == "__main__":
    main()
