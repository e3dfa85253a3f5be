"""Compiled operators over who the patient is and what is recorded about them
outside visits: ``Age``, ``IsSex``, ``HasCondition``, ``HasGenotype`` and
``OnMedication`` (compiled once per node, as in :mod:`remit.rules.composites`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from remit.core.intervals import Interval
from remit.core.record import BirthDate, DiagnosisStatus, Sex
from remit.core.truth import Truth
from remit.rules import ast
from remit.rules.context import Child, Context, Run, window_bounds
from remit.rules.coverage import absence
from remit.rules.results import Evidence, Outcome

__all__ = ["COMPILERS"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


def _compile_age(node: ast.Age, child: Child) -> Run:
    nid, label, condition = node.id, node.label, node.condition

    def run(ctx: Context) -> Outcome:
        birth = ctx.record.patient.birth
        if birth is None:
            return Outcome(nid, label, unit="a", note="date of birth not recorded")
        on = ctx.index
        evidence = [Evidence("patient", ctx.record.patient.id, None, f"born {birth.iso()}")]
        if condition is not None:
            onsets = [d for d in ctx.record.diagnoses if d.condition == condition and d.onset is not None]
            if not onsets:
                return Outcome(nid, label, unit="a", note=f"onset of {condition} not recorded")
            first = min(onsets, key=lambda d: d.onset or date.max)
            assert first.onset is not None
            on = first.onset
            evidence.append(Evidence("diagnosis", first.id, first.onset, f"{first.condition} onset {first.onset}"))
        return Outcome(nid, label, value=_age(birth, on), unit="a", evidence=tuple(evidence))

    return run


@functools.lru_cache(maxsize=4096)
def _age(birth: BirthDate, on: date) -> Interval:
    """The age on a date as ``[youngest, oldest]`` years, memoised by value: the
    calendar arithmetic is the costliest part of an ``Age``, and every
    definition that asks for the age asks it as of the same date."""
    youngest, oldest = birth.age_years(on)
    return Interval(youngest, oldest)


def _compile_has_condition(node: ast.HasCondition, child: Child) -> Run:
    nid, label, condition, policy = node.id, node.label, node.condition, node.absent

    def run(ctx: Context) -> Outcome:
        found = [
            d
            for d in ctx.record.diagnoses
            if d.condition == condition
            and d.status is not DiagnosisStatus.REFUTED
            and (d.onset is None or d.onset <= ctx.index)
        ]
        if found:
            evidence = tuple(
                Evidence("diagnosis", d.id, d.onset, f"diagnosis {d.condition} ({d.status.value})") for d in found
            )
            return Outcome(nid, label, TRUE, evidence=evidence)
        if ctx.record.diagnoses and policy is ast.Absent.FALSE_IF_COVERED:
            return Outcome(nid, label, FALSE, note=f"no {condition} among the diagnoses")
        return Outcome(nid, label, UNKNOWN, note=f"{condition} not recorded")

    return run


def _compile_has_genotype(node: ast.HasGenotype, child: Child) -> Run:
    nid, label, gene, classes, policy = node.id, node.label, node.gene, node.classes, node.absent
    folded = gene.casefold()

    def run(ctx: Context) -> Outcome:
        tested = [g for g in ctx.record.patient.genotypes if g.gene.casefold() == folded]
        if not tested:
            if policy is ast.Absent.FALSE_IF_COVERED:
                note = f"{gene} genotype not recorded; the definition counts that as not found"
                return Outcome(nid, label, FALSE, note=note)
            return Outcome(nid, label, UNKNOWN, note=f"{gene} genotype not recorded")
        evidence = tuple(
            Evidence(
                "genotype",
                f"{g.gene}:{g.variant}",
                None,
                f"{g.gene} {g.variant} {g.zygosity.value} ({g.classification.value})",
            )
            for g in tested
        )
        if any(g.classification in classes for g in tested):
            return Outcome(nid, label, TRUE, evidence=evidence)
        if any(g.classification.value == "unknown" for g in tested):
            return Outcome(nid, label, UNKNOWN, evidence=evidence, note="genotype recorded without a classification")
        return Outcome(nid, label, FALSE, evidence=evidence)

    return run


def _compile_is_sex(node: ast.IsSex, child: Child) -> Run:
    nid, label, wanted = node.id, node.label, node.sex

    def run(ctx: Context) -> Outcome:
        sex = ctx.record.patient.sex
        if sex in (Sex.UNKNOWN, Sex.OTHER):
            return Outcome(nid, label, UNKNOWN, note=f"sex recorded as {sex.value}")
        evidence = (Evidence("patient", ctx.record.patient.id, None, f"sex {sex.value}"),)
        return Outcome(nid, label, Truth.of(sex is wanted), evidence=evidence)

    return run


def _compile_on_medication(node: ast.OnMedication, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, drugs = node.id, node.label, node.drugs
    listed = ", ".join(drugs)

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        first = start or date.min
        courses = [
            m
            for m in ctx.record.medications
            if m.drug in drugs and m.start <= end and (m.stop is None or m.stop >= first)
        ]
        if courses:
            evidence = tuple(
                Evidence("medication", m.id, m.start, f"{m.drug} {m.start}..{m.stop or 'ongoing'}") for m in courses
            )
            return Outcome(nid, label, TRUE, evidence=evidence)
        truth, why = absence(ctx.record, ast.Absent.FALSE_IF_COVERED, start or end, end)
        return Outcome(nid, label, truth, note=f"none of {listed} {why}")

    return run


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.Age: _compile_age,
    ast.HasCondition: _compile_has_condition,
    ast.HasGenotype: _compile_has_genotype,
    ast.IsSex: _compile_is_sex,
    ast.OnMedication: _compile_on_medication,
}
