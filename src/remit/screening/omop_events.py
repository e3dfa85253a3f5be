"""Episodes, diary days and genotypes of remit's own OMOP exports as fact tables.

:mod:`remit.interop.omop` writes these where the CDM has no standard home,
tied to remit by ``remit_source_key`` roles (see its ``writing_events``):

* an episode is an ``episode`` row (kind in ``episode_source_value``, start,
  end), its features ``observation`` rows with role ``episode_feature`` linked
  by ``episode_event``, its duration and attributes ``remit_source_detail``
  rows (``duration_hours``, ``attribute:<name>``);
* a diary answer is an ``observation`` row with role ``diary``
  (``aidai:<item>``, ``yes``/``no``); the days are the dates of those rows;
* a genotype is an ``observation`` row with role ``genotype`` (the gene), its
  class a ``classification`` detail.

A CDM written elsewhere has no such roles: its ``episode`` rows still become
episodes, the rest is absent, exactly as for the per-patient OMOP reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from remit.core.record import AIDAI_ITEMS, EpisodeKind, GenotypeClass

if TYPE_CHECKING:
    from remit.screening.omop_mapping import Mapper

DIARY_PREFIX = "aidai:"


def _details(m: Mapper, table: str) -> ir.Table:
    d = m.table("remit_source_detail")
    return d.filter(d.table_name == table)


def _python_text(kind: ir.StringValue, value: ir.StringValue) -> ir.StringValue:
    """``str()`` of the decoded detail, as the interpreter compares attribute text."""
    return ibis.cases(
        ((kind == "boolean") & (value == "true"), ibis.literal("True")),
        ((kind == "boolean") & (value == "false"), ibis.literal("False")),
        else_=value,
    )


def attributes(details: ir.Table, prefix: str) -> ir.Table:
    """``attribute:<name>`` details as attribute facts (``owner, name, text, num``):
    text as the interpreter compares it, a number for numeric values."""
    rows = details.filter(details.name.startswith("attribute:"))
    return rows.select(
        owner=ibis.literal(prefix) + rows.row_id.cast("string"),
        name=rows.name.substr(len("attribute:")),
        text=_python_text(rows.value_type, rows.value),
        num=ibis.cases(
            (rows.value_type.isin(["integer", "number"]), rows.value.cast("float64")),
            else_=ibis.null("float64"),
        ),
    )


def finding_attributes(m: Mapper) -> ir.Table:
    """``finding_attribute`` facts (findings are ``o<observation_id>``)."""
    return attributes(_details(m, "observation"), "o").rename(finding_id="owner")


def condition_onsets(m: Mapper) -> ir.Table:
    """Condition rows whose onset remit recorded as unknown (``row_id``): their
    start date is only a placeholder."""
    d = _details(m, "condition_occurrence")
    return d.filter((d.name == "onset") & (d.value_type == "none")).select(no_onset_row="row_id")


def episodes(m: Mapper) -> tuple[ir.Table, ir.Table, ir.Table, ir.Table]:
    """``episode``, ``episode_feature``, ``episode_attribute`` facts and the unusable-row count."""
    e = m.table("episode")
    kinds = [k.value for k in EpisodeKind]
    by_id = {c.concept_id: c.remit_code for c in reversed(m.concepts.entries("episode")) if c.concept_id}
    kind = ibis.cases(
        (e.episode_source_value.isin(kinds), e.episode_source_value),
        else_=e.episode_concept_id.substitute(by_id, else_=ibis.null("string")),
    )
    e = e.mutate(kind=kind)
    details = _details(m, "episode")
    durations = details.filter(details.name == "duration_hours").select(
        d_row="row_id", duration_hours=details.value.cast("float64")
    )
    known = e.filter(e.kind.notnull())
    known = known.left_join(durations, known.episode_id == durations.d_row).select(*known.columns, "duration_hours")
    facts = known.select(
        episode_id=ibis.literal("e") + known.episode_id.cast("string"),
        person_id=known.person_id.cast("string"),
        kind="kind",
        start=known.episode_start_date,
        end=known.episode_end_date,
        duration_hours="duration_hours",
    )
    o = m.observations()
    features = o.filter(o.key_role == "episode_feature")
    links = m.table("episode_event")
    linked = features.inner_join(links, features.observation_id == links.event_id)
    feature_facts = linked.select(
        episode_id=ibis.literal("e") + linked.episode_id.cast("string"), feature=linked.observation_source_value
    )
    attribute_facts = attributes(details, "e").rename(episode_id="owner")
    unknown = e.filter(e.kind.isnull()).aggregate(rows=ibis._.count())
    problems = unknown.mutate(table=ibis.literal("episode"), reason=ibis.literal("unknown episode kind"))
    return facts, feature_facts, attribute_facts, problems.select("rows", "table", "reason")


def diary(m: Mapper) -> tuple[ir.Table, ir.Table]:
    """``diary_day`` and ``diary_answer`` facts."""
    o = m.observations()
    rows = o.filter(o.key_role == "diary")
    days = rows.select(person_id=rows.person_id.cast("string"), date=rows.observation_date).distinct()
    item = rows.observation_source_value.substr(len(DIARY_PREFIX))
    answers = rows.filter(rows.observation_source_value.startswith(DIARY_PREFIX) & item.isin(list(AIDAI_ITEMS))).select(
        person_id=rows.person_id.cast("string"),
        date=rows.observation_date,
        item=item,
        answer=rows.value_as_string == "yes",
    )
    return days, answers


def genotypes(m: Mapper) -> ir.Table:
    """``genotype`` facts."""
    o = m.observations()
    rows = o.filter(o.key_role == "genotype")
    details = _details(m, "observation")
    classes = details.filter(details.name == "classification").select(c_row="row_id", classification="value")
    joined = rows.left_join(classes, rows.observation_id == classes.c_row).select(*rows.columns, "classification")
    return joined.select(
        person_id=joined.person_id.cast("string"),
        gene=joined.observation_source_value,
        classification=joined.classification.fill_null(GenotypeClass.UNKNOWN.value),
    )
