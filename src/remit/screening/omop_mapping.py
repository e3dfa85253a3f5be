"""The OMOP CDM -> fact table mapping (see :mod:`remit.screening.sources`).

One method per fact table, each an ibis expression over the typed CDM tables
plus, where the rows cannot all be used, an expression counting the rest per
reason. Small look-up tables (codes, units, drugs) are computed in Python once
per distinct combination found in the data and joined on the backend.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from remit.core.conditions import CONDITIONS
from remit.core.findings import FINDING_KINDS
from remit.core.record import DiagnosisStatus, Sex
from remit.drugs import DRUGS, find_drug
from remit.errors import UnknownCodeError
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.tables import TABLES
from remit.screening import omop_events
from remit.screening import omop_values as ov
from remit.screening.backends import create_table
from remit.screening.facts import SCHEMAS

if TYPE_CHECKING:
    from remit.screening.sources import Cdm, CdmFacts

IBIS_TYPES = {"BIGINT": "int64", "INTEGER": "int32", "DATE": "date", "TIMESTAMP": "timestamp", "VARCHAR": "string"}
IBIS_TYPES["DOUBLE"] = "float64"
Store = Callable[[str, ir.Table], ir.Table]
USED = (
    "person",
    "observation_period",
    "visit_occurrence",
    "condition_occurrence",
    "drug_exposure",
    "measurement",
    "observation",
    "remit_source_key",
    "remit_source_detail",
    "episode",
    "episode_event",
)
MAPPED_ROLES = ("episode_feature", "diary", "genotype")  # observation rows remit writes for those facts


def _spark_schema(schema: pa.Schema) -> str:
    """A Spark DDL schema for an Arrow one (an empty look-up table has no rows to infer from)."""
    from ibis.backends.pyspark.datatypes import PySparkSchema

    ddl: str = PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(schema)).simpleString()
    return ddl[len("struct<") : -1]


class Mapper:
    def __init__(self, cdm: Cdm, concepts: ConceptMap, store: Store | None) -> None:
        self.store = store
        self.cdm = cdm
        self.con = cdm.con
        self.concepts = concepts
        self.t = cdm.tables
        self.tag = uuid.uuid4().hex[:8]
        self.empty: dict[str, ir.Table] = {}  # CDM tables the extract lacks, as empty tables

    def lookup(self, name: str, data: pa.Table) -> ir.Table:
        """A small table on the backend (real tables rather than ibis memtables, so
        that the compiled SQL can also be run as raw SQL)."""
        table_name = f"remit_screen_{self.tag}_{name}"
        if self.con.name == "duckdb":
            return create_table(self.con, table_name, data)
        if self.con.name == "pyspark":  # a temporary view: ibis has no temporary tables on Spark
            frame = self.con._session.createDataFrame(data.to_pandas(), schema=_spark_schema(data.schema))
            frame.createOrReplaceTempView(table_name)
            return self.con.table(table_name)
        # PostgreSQL: a temporary table, so that nothing is left in the user's database
        created = self.con.create_table(table_name, schema=ibis.Schema.from_pyarrow(data.schema), temp=True)
        if data.num_rows:
            self.con.insert(table_name, ibis.memtable(data))
        return created

    def table(self, name: str) -> ir.Table:
        if name in self.t:
            return self.t[name]
        if name not in self.empty:  # created once: PostgreSQL refuses a second temporary table of that name
            schema = ibis.schema({c.name: IBIS_TYPES[c.type] for c in TABLES[name]})
            self.empty[name] = self.lookup(f"empty_{name}", schema.to_pyarrow().empty_table())
        return self.empty[name]

    def facts(self, analytes: tuple[str, ...] | None) -> CdmFacts:
        from remit.screening.sources import CdmFacts

        problems: list[ir.Table] = []
        values = self.values(analytes)
        if self.store is not None:
            values = self.store("measurement_rows", values)
        problems.append(_count(values, "measurement"))
        measurement = values.filter(values.problem.isnull())
        finding, finding_problems = self.findings()
        problems.append(finding_problems)
        condition, condition_problems = self.conditions()
        problems.append(condition_problems)
        drug, drug_problems = self.drugs()
        problems.append(drug_problems)
        episode, episode_feature, episode_attribute, episode_problems = omop_events.episodes(self)
        problems.append(episode_problems)
        diary_day, diary_answer = omop_events.diary(self)
        for name in sorted(set(self.t) - set(USED)):
            problems.append(
                self.t[name]
                .aggregate(rows=ibis._.count())
                .mutate(table=ibis.literal(name), reason=ibis.literal("table not used by screening"))
            )
        tables = {
            "person": self.person(),
            "coverage": self.coverage(),
            "measurement": measurement,
            "finding": finding,
            "condition": condition,
            "drug": drug,
            "encounter": self.encounters(),
            "episode": episode,
            "episode_feature": episode_feature,
            "episode_attribute": episode_attribute,
            "diary_day": diary_day,
            "diary_answer": diary_answer,
            "genotype": omop_events.genotypes(self),
            "finding_attribute": omop_events.finding_attributes(self),
        }
        out = {}
        for name, schema in SCHEMAS.items():
            if name in tables:
                out[name] = tables[name].select(*schema.names).cast(ibis.Schema.from_pyarrow(schema))
            else:
                out[name] = self.lookup(f"facts_{name}", schema.empty_table())
        report = ibis.union(*[p.select("table", "reason", rows=p.rows.cast("int64")) for p in problems])
        return CdmFacts(out, report.filter(report.rows > 0))

    # ----- person-level

    def person(self) -> ir.Table:
        p = self.table("person")
        genders = {c.concept_id: c.remit_code for c in reversed(self.concepts.entries("gender")) if c.concept_id}
        sex = ibis.cases(
            (p.gender_source_value.isin([s.value for s in Sex]), p.gender_source_value),
            else_=p.gender_concept_id.substitute(genders, else_=Sex.UNKNOWN.value),
        )
        known = p.month_of_birth.notnull()
        first = ibis.date(p.year_of_birth, p.month_of_birth, p.day_of_birth.fill_null(1))
        month_end = ibis.date(p.year_of_birth, p.month_of_birth, 1) + ibis.interval(months=1) - ibis.interval(days=1)
        return p.select(
            person_id=p.person_id.cast("string"),
            sex=sex,
            birth_low=ibis.cases((known, first), else_=ibis.null("date")),
            birth_high=ibis.cases(
                (known & p.day_of_birth.notnull(), first), (known, month_end.cast("date")), else_=ibis.null("date")
            ),
        )

    def coverage(self) -> ir.Table:
        o = self.table("observation_period")
        return o.group_by(person_id=o.person_id.cast("string")).aggregate(
            start=o.observation_period_start_date.min(), end=o.observation_period_end_date.max()
        )

    def encounters(self) -> ir.Table:
        v = self.table("visit_occurrence")
        return v.select(person_id=v.person_id.cast("string"), date=v.visit_start_date)

    def keys(self, table: str) -> ir.Table | None:
        if "remit_source_key" not in self.t:
            return None
        k = self.t["remit_source_key"]
        return k.filter(k.table_name == table).select(
            key_row="row_id", remit_id="remit_id", key_end="end_date", key_role="role"
        )

    # ----- values

    def values(self, analytes: tuple[str, ...] | None) -> ir.Table:
        m = self.table("measurement")
        stamp = m.measurement_datetime
        seconds = (stamp.hour() * 3600 + stamp.minute() * 60 + stamp.second()).cast("int64").fill_null(0)
        rows = m.select(
            person_id=m.person_id,
            date=m.measurement_date,
            seq=seconds * (2**43) + m.measurement_id,
            source=m.measurement_source_value,
            concept=m.measurement_concept_id,
            entered=m.value_source_value,
            number=m.value_as_number,
            operator_concept=m.operator_concept_id,
            unit_source=m.unit_source_value,
            unit_concept=m.unit_concept_id,
            range_low=m.range_low,
            range_high=m.range_high,
            row_id=m.measurement_id,
            origin=ibis.literal("measurement"),
        )
        rows = ov.with_keys(ibis.union(rows, *self.observation_values()))
        lookup = self.lookup("values", ov.row_lookup(self._combinations(rows), self.concepts))
        rows = rows.left_join(lookup, [rows[k] == lookup[k] for k in ov.KEYS])
        rows = rows.select(*[c for c in rows.columns if not c.startswith("k_")]).rename(analyte="l_analyte")
        if analytes is not None:
            rows = rows.filter(rows.analyte.isin(list(analytes)) | rows.analyte.isnull())
        keys = self.keys("measurement")
        if keys is not None:
            rows = rows.left_join(keys, (rows.row_id == keys.key_row) & (rows.origin == "measurement")).select(
                *rows.columns, ranges_canonical=keys.key_row.notnull()
            )
        else:
            rows = rows.mutate(ranges_canonical=ibis.literal(False))
        operators = {c.concept_id: c.remit_code for c in self.concepts.entries("operator") if c.concept_id}
        rows = rows.mutate(operator=rows.operator_concept.substitute(operators, else_=ibis.null("string")))
        out = ov.intervals(rows)
        return out.select(
            person_id=out.person_id.cast("string"),
            date=out.date,
            seq=out.seq,
            analyte=out.analyte,
            low=out.low,
            high=out.high,
            low_closed=out.low_closed,
            high_closed=out.high_closed,
            qualitative=out.qualitative,
            ref_low=out.ref_low,
            ref_high=out.ref_high,
            problem=out.problem,
            origin=out.origin,
        )

    def _combinations(self, rows: ir.Table) -> list[tuple[Any, ...]]:
        """The distinct key combinations present (a handful): one small query."""
        found = self.con.execute(rows.select(*ov.KEYS).distinct())
        return list(zip(*(found[k].tolist() for k in ov.KEYS), strict=True))

    def observations(self) -> ir.Table:
        """``observation`` with the ``remit_source_key`` role and end date of each row (NULL without keys)."""
        o = self.table("observation")
        keys = self.keys("observation")
        if keys is None:
            return o.mutate(key_role=ibis.null("string"), key_end=ibis.null("date"))
        return o.left_join(keys, o.observation_id == keys.key_row).select(*o.columns, "key_role", "key_end")

    def observation_values(self) -> list[ir.Table]:
        """Qualitative tests and finding values from ``observation`` in the measurement shape
        (rows remit wrote for genotypes, diary answers and episode features are not values)."""
        o = self.observations()
        o = o.filter(o.key_role.isnull() | (o.key_role == "finding"))
        stamp = o.observation_datetime
        seconds = (stamp.hour() * 3600 + stamp.minute() * 60 + stamp.second()).cast("int64").fill_null(0)
        common = {
            "person_id": o.person_id,
            "date": o.observation_date,
            "seq": seconds * (2**43) + o.observation_id + 2**42,
            "operator_concept": o.operator_concept_id if "operator_concept_id" in o.columns else ibis.null("int32"),
            "unit_source": o.unit_source_value,
            "unit_concept": o.unit_concept_id,
            "range_low": ibis.null("float64"),
            "range_high": ibis.null("float64"),
            "row_id": o.observation_id,
            "origin": ibis.literal("observation"),
        }
        finding = o.observation_source_value.isin(list(FINDING_KINDS))
        tests = o.filter(~finding.fill_null(False)).select(
            **common,
            source=o.observation_source_value,
            concept=o.observation_concept_id,
            entered=o.value_source_value.coalesce(o.value_as_string),
            number=ibis.null("float64"),
        )
        valued = {k: v.value_analyte for k, v in FINDING_KINDS.items() if v.value_analyte is not None}
        carried = o.filter(
            o.observation_source_value.isin(list(valued))
            & (o.value_source_value.notnull() | o.value_as_number.notnull())
        ).select(
            **common,
            source=o.observation_source_value.substitute(valued),
            concept=ibis.null("int32"),
            entered=o.value_source_value,
            number=o.value_as_number,
        )
        names = ["person_id", "date", "seq", "source", "concept", "entered", "number", "operator_concept"]
        names += ["unit_source", "unit_concept", "range_low", "range_high", "row_id", "origin"]
        return [tests.select(*names), carried.select(*names)]

    # ----- findings, conditions, drugs

    def findings(self) -> tuple[ir.Table, ir.Table]:
        o = self.observations()
        rows = o.filter(
            o.observation_source_value.isin(list(FINDING_KINDS)) & (o.key_role.isnull() | (o.key_role == "finding"))
        )
        ok = rows.value_as_string.isin(["present", "absent"]).fill_null(False)
        facts = rows.filter(ok).select(
            finding_id=ibis.literal("o") + rows.observation_id.cast("string"),
            person_id=rows.person_id.cast("string"),
            kind=rows.observation_source_value,
            start=rows.observation_date,
            end=rows.key_end,
            present=rows.value_as_string == "present",
            seq=rows.observation_id,
        )
        bad = (
            rows.filter(~ok)
            .aggregate(rows=ibis._.count())
            .mutate(
                table=ibis.literal("observation"),
                reason=ibis.literal("a finding needs value_as_string present or absent"),
            )
        )
        other = o.filter(o.key_role.notnull() & ~o.key_role.isin(["finding", *MAPPED_ROLES]))
        roles = other.group_by(reason=ibis.literal("not mapped to screening facts: ") + other.key_role).aggregate(
            rows=ibis._.count()
        )
        return facts, ibis.union(bad, roles.mutate(table=ibis.literal("observation")).select("rows", "table", "reason"))

    def conditions(self) -> tuple[ir.Table, ir.Table]:
        c = self.table("condition_occurrence")
        keys = self.keys("condition_occurrence")
        events = None
        if keys is not None:  # remit's adverse events are condition rows too; not screening facts
            c = c.left_join(keys, c.condition_occurrence_id == keys.key_row).select(*c.columns, "key_role")
            is_event = (c.key_role == "adverse_event").fill_null(False)
            events = _missing(
                c,
                ibis.cases((is_event, ibis.null("string")), else_="x"),
                "condition_occurrence",
                "not mapped to screening facts: adverse_event",
            )
            c = c.filter(~is_event).drop("key_role")
        by_id = {x.concept_id: x.remit_code for x in reversed(self.concepts.entries("condition")) if x.concept_id}
        code = ibis.cases(
            (c.condition_source_value.isin(list(CONDITIONS)), c.condition_source_value),
            else_=c.condition_concept_id.substitute(by_id, else_=ibis.null("string")),
        )
        statuses = [s.value for s in DiagnosisStatus]
        status = ibis.cases(
            (c.condition_status_source_value.isin(statuses), c.condition_status_source_value), else_="active"
        )
        rows = c.mutate(condition=code, status=status)
        known = rows.filter(rows.condition.notnull())
        no_onset = omop_events.condition_onsets(self)
        known = known.left_join(no_onset, known.condition_occurrence_id == no_onset.no_onset_row).select(
            *known.columns, "no_onset_row"
        )
        facts = known.select(
            person_id=known.person_id.cast("string"),
            condition="condition",
            onset=ibis.cases((known.no_onset_row.isnull(), known.condition_start_date), else_=ibis.null("date")),
            status="status",
        )
        unknown = _missing(rows, rows.condition, "condition_occurrence", "unknown condition (source value or concept)")
        return facts, unknown if events is None else ibis.union(unknown, events)

    def drugs(self) -> tuple[ir.Table, ir.Table]:
        d = self.table("drug_exposure")
        names = self.con.execute(d.select("drug_source_value", "drug_concept_id").distinct())
        lookup: dict[str, list[Any]] = {"l_source": [], "l_concept": [], "l_drug": []}
        for source, concept in zip(names["drug_source_value"], names["drug_concept_id"], strict=True):
            lookup["l_source"].append(source if isinstance(source, str) else None)
            lookup["l_concept"].append(None if pd.isna(concept) else int(concept))
            lookup["l_drug"].append(self._drug(source if isinstance(source, str) else None, lookup["l_concept"][-1]))
        schema = pa.schema([("l_source", pa.string()), ("l_concept", pa.int32()), ("l_drug", pa.string())])
        table = self.lookup("drugs", pa.table(lookup, schema=schema))
        cond = d.drug_source_value.identical_to(table.l_source) & d.drug_concept_id.identical_to(table.l_concept)
        rows = d.left_join(table, cond).select(*d.columns, drug="l_drug")
        known = rows.filter(rows.drug.notnull())
        keys = self.keys("drug_exposure")
        if keys is None:
            facts = known.select(
                person_id=known.person_id.cast("string"),
                drug="drug",
                start=known.drug_exposure_start_date,
                stop=known.drug_exposure_end_date,
            )
        else:
            j = known.left_join(keys, known.drug_exposure_id == keys.key_row).select(*known.columns, "remit_id")
            course = j.remit_id.coalesce(ibis.literal("row-") + j.drug_exposure_id.cast("string"))
            j = j.mutate(course=course)
            last = ibis.row_number().over(
                group_by=["person_id", "course"],
                order_by=[ibis.desc("drug_exposure_start_date"), ibis.desc("drug_exposure_id")],
            )
            ranked = j.mutate(
                rn=last,
                first_start=j.drug_exposure_start_date.min().over(group_by=["person_id", "course"]),
                stop_if_keyed=ibis.cases((j.remit_id.notnull(), j.verbatim_end_date), else_=j.drug_exposure_end_date),
            )
            top = ranked.filter(ranked.rn == 0)
            facts = top.select(
                person_id=top.person_id.cast("string"), drug="drug", start=top.first_start, stop=top.stop_if_keyed
            )
        return facts, _missing(rows, rows.drug, "drug_exposure", "unknown drug (source value or concept)")

    def _drug(self, source: str | None, concept: int | None) -> str | None:
        if source in DRUGS:
            return source
        if source:
            try:
                return find_drug(source).id
            except UnknownCodeError:
                pass
        return self.concepts.remit_code("drug", concept)


def _count(values: ir.Table, default_table: str) -> ir.Table:
    bad = values.filter(values.problem.notnull())
    return bad.group_by(table=bad.origin.fill_null(default_table), reason=bad.problem).aggregate(rows=ibis._.count())


def _missing(rows: ir.Table, column: ir.Value, table: str, reason: str) -> ir.Table:
    return (
        rows.filter(column.isnull())
        .aggregate(rows=ibis._.count())
        .mutate(table=ibis.literal(table), reason=ibis.literal(reason))
    )
