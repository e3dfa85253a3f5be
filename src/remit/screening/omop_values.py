"""OMOP values into the compiler's measurement intervals, in SQL.

The per-patient OMOP reader (:mod:`remit.interop.omop.reading`) reads each
value through :func:`remit.core.measurements.measure`. Here the same rules run
as ibis column expressions over every row at once:

* the value is ``value_source_value`` as entered when present - a number with
  an optional comparator (``>2000``, ``<= 5``, decimal comma allowed, an
  ambiguous ``1,500`` refused), or a qualitative word (``elevated``,
  ``negative`` ...) - else ``value_as_number`` with ``operator_concept_id``;
* the unit is ``unit_source_value`` for a value as entered, else the unit of
  ``unit_concept_id`` through the concept map, else ``unit_source_value``;
* conversion to the analyte's canonical unit uses a small lookup table of
  ``(analyte, unit) -> scale, offset`` computed once per combination present
  in the data with the pint conversion of :func:`remit.core.units.convert`
  (never a hand-written factor; checked against ``convert``), then the result
  is rounded to 12 significant digits as ``convert`` does (:func:`tidy`, the
  same on DuckDB, PostgreSQL and Spark);
* values outside the analyte's plausible range are refused, as at input.

A row that cannot be used keeps a ``problem`` text instead of being dropped;
:mod:`remit.screening.sources` reports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from remit.core import units
from remit.core.analytes import ANALYTES, ValueKind
from remit.core.measurements import _QUALITATIVE_WORDS, Qualitative
from remit.core.units import convert, to_ucum
from remit.errors import RemitError, UnitError
from remit.interop.omop.concepts import ConceptMap

# measure()'s number syntax (remit.core.measurements._NUMBER), as a regular expression both
# DuckDB (RE2) and PostgreSQL read the same way.
NUMBER = r"^\s*(<=|>=|≤|≥|<|>|=)?\s*([+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?)\s*$"
AMBIGUOUS_COMMA = r"^[+-]?[1-9][0-9]{0,2},[0-9]{3}$"
COMPARATORS = {">": ">", ">=": ">=", "≥": ">=", "<": "<", "<=": "<=", "≤": "<="}
INF = float("inf")
_F = "float64"


def analyte_codes() -> pa.Table:
    """Every spelling :func:`remit.core.analytes.analyte` accepts: id, code, alternate codes."""
    rows = {a.id: a.id for a in ANALYTES.values()}
    for a in ANALYTES.values():
        for code in (a.code, *a.alternate_codes):
            rows.setdefault(code, a.id)
    return pa.table({"code": list(rows), "analyte": list(rows.values())})


KEYS = ("k_source", "k_concept", "k_entered", "k_unit_concept", "k_unit_source")


def with_keys(t: ir.Table) -> ir.Table:
    """The raw columns that decide a row's analyte and unit, without NULLs (join keys)."""
    return t.mutate(
        k_source=t.source.fill_null(""),
        k_concept=t.concept.cast("int64").fill_null(-1),
        k_entered=t.entered.notnull(),
        k_unit_concept=t.unit_concept.cast("int64").fill_null(-1),
        k_unit_source=t.unit_source.fill_null(""),
    )


def _unrounded(magnitude: float, from_ucum: str, to_ucum: str, mm: float | None) -> float:
    """:func:`remit.core.units.convert` before its rounding to 12 digits.

    Scale and offset taken from rounded conversions would carry the rounding
    (104 [degF] -> 40.0000000046 Cel instead of 40), so they come from the
    same conversion unrounded; :func:`resolve_unit` checks that they give
    ``convert``'s own results."""
    return units.convert(magnitude, from_ucum, to_ucum, molar_mass_g_per_mol=mm, rounded=False)


def row_lookup(combinations: Iterable[tuple[Any, ...]], concepts: ConceptMap) -> pa.Table:
    """Per distinct key combination (:data:`KEYS`): the analyte, the unit's
    ``scale``/``offset`` to the canonical unit (or ``unit_problem``), and the
    analyte's plausible range and kind. Computed in Python once per
    combination found in the data - a handful - with remit's own look-ups."""
    by_code = dict(zip(*analyte_codes().to_pydict().values(), strict=True))
    rows: dict[str, list[Any]] = {name: [] for name in (*KEYS, *_LOOKUP_COLUMNS)}
    for source, concept, entered, unit_concept, unit_source in combinations:
        code = by_code.get(source) or concepts.remit_code("measurement", int(concept) if concept > 0 else None)
        analyte_id = code if code in ANALYTES else None
        scale = offset = problem = None
        if analyte_id is not None:
            by_text = entered or unit_concept in (-1, 0)
            key = f"T:{unit_source.strip()}" if by_text else f"C:{unit_concept}"
            scale, offset, problem = resolve_unit(analyte_id, key, concepts)
        spec = ANALYTES.get(analyte_id or "")
        values: tuple[Any, ...] = (
            source,
            concept,
            entered,
            unit_concept,
            unit_source,
            analyte_id,
            scale,
            offset,
            problem,
        )
        values += (
            spec.plausible_low if spec else None,
            spec.plausible_high if spec else None,
            spec is not None and spec.kind is ValueKind.QUALITATIVE,
        )
        for name, value in zip(rows, values, strict=True):
            rows[name].append(value)
    return pa.table(rows, schema=_LOOKUP_SCHEMA)


_LOOKUP_SCHEMA = pa.schema(
    [
        ("k_source", pa.string()),
        ("k_concept", pa.int64()),
        ("k_entered", pa.bool_()),
        ("k_unit_concept", pa.int64()),
        ("k_unit_source", pa.string()),
        ("l_analyte", pa.string()),
        ("scale", pa.float64()),
        ("offset", pa.float64()),
        ("unit_problem", pa.string()),
        ("plausible_low", pa.float64()),
        ("plausible_high", pa.float64()),
        ("is_qualitative", pa.bool_()),
    ]
)
_LOOKUP_COLUMNS = tuple(_LOOKUP_SCHEMA.names[len(KEYS) :])


def resolve_unit(analyte_id: str, key: str, concepts: ConceptMap) -> tuple[float | None, float | None, str | None]:
    """``(scale, offset, problem)``: canonical = number x scale + offset.

    The unit rules of ``measure()`` and of the OMOP reader's ``number_unit``:
    analyte-specific spellings, then UCUM synonyms; a unit concept the map
    does not know is refused, never guessed."""
    spec = ANALYTES[analyte_id]
    kind, _, rest = key.partition(":")
    if kind == "C":
        unit = concepts.remit_code("unit", int(rest))
        if unit is None:
            return None, None, f"unit concept {rest} is not in the concept map"
    else:
        unit = rest or None
    try:
        if unit is None:
            if spec.canonical_unit != "1":
                return None, None, f"no unit for {spec.name}"
            ucum = "1"
        else:
            ucum = spec.unit_aliases.get(unit) or to_ucum(unit)
        mm = spec.molar_mass_g_per_mol
        offset = _unrounded(0.0, ucum, spec.canonical_unit, mm)
        scale = _unrounded(1.0, ucum, spec.canonical_unit, mm) - offset
        for probe in (1.0, 3.7, 1000.0):  # the coefficients reproduce convert() itself
            if units.tidy(probe * scale + offset) != convert(probe, ucum, spec.canonical_unit, molar_mass_g_per_mol=mm):
                return None, None, f"{unit} -> {spec.canonical_unit} is not linear"  # pragma: no cover
    except UnitError:
        return None, None, f"unit {unit!r} cannot express {spec.name} ({spec.canonical_unit})"
    except RemitError as exc:  # pragma: no cover - any other refusal of the units library
        return None, None, exc.message
    return scale, offset, None


def tidy(x: ir.FloatingValue) -> ir.FloatingValue:
    """:func:`remit.core.units.tidy` in SQL: 12 significant digits, the same double on every backend.

    The number of decimals depends on the value (``11 - floor(log10|x|)``),
    and Spark's ``round()`` takes only a constant, so this is DuckDB's own
    ``round(x, digits)`` written out: ``round(x * 10^d) / 10^d`` (``x / 10^-d``
    for ``d < 0``), rounding half away from zero as ``floor(|y| + 0.5)`` with
    the sign put back - exact for the ``|y| < 10^12`` it sees - and the input
    kept where ``10^d`` overflows. ``10^d`` is a DOUBLE power, so PostgreSQL
    no longer rounds through NUMERIC (which took 15 digits first and so
    differed from DuckDB near ties).
    DuckDB, PostgreSQL and Spark then agree to the bit wherever ``10^|d|`` is
    exact (``1e-11 <= |x| < 1e34``, far beyond every analyte's plausible
    range); outside, the engines' ``pow`` may differ in the last bit (``tests/screening/test_screen_backends.py``)."""
    size = x.abs()
    digits = ibis.literal(11) - size.log10().floor()
    power = ibis.literal(10).cast(_F) ** digits.abs()
    up = (size * power + 0.5).floor().cast(_F) / power
    down = (size / power + 0.5).floor().cast(_F) * power
    rounded = x.sign().cast(_F) * ibis.cases((digits >= 0, up), else_=down)
    return ibis.cases((x == 0, x), (digits > _MAX_EXPONENT, x), else_=rounded)


_MAX_EXPONENT = 308  # 10^309 overflows a double; DuckDB's round() then returns its input


def _qualitative(text: ir.StringValue) -> ir.StringValue:
    return (
        text.strip()
        .lower()
        .substitute({word: q.value for word, q in _QUALITATIVE_WORDS.items()}, else_=ibis.null("string"))
    )


def intervals(t: ir.Table) -> ir.Table:
    """Add ``low, high, low_closed, high_closed, qualitative, ref_low, ref_high`` and
    ``problem`` to ``t``, which holds ``analyte, entered, number, operator, scale,
    offset, unit_problem, range_low, range_high, ranges_canonical`` and the
    analyte table's columns (``plausible_low`` ...)."""
    entered = t.entered.strip()
    is_number = entered.re_search(NUMBER).fill_null(False)
    number_text = ibis.cases((is_number, entered.re_extract(NUMBER, 2)), else_=ibis.null("string"))
    ambiguous = number_text.re_search(AMBIGUOUS_COMMA).fill_null(False)
    parsed = ibis.cases((is_number & ~ambiguous, number_text.replace(",", ".").cast(_F)), else_=ibis.null(_F))
    comparator = ibis.cases(
        (is_number, entered.re_extract(NUMBER, 1).substitute(COMPARATORS, else_=ibis.null("string"))),
        else_=t.operator,
    )
    word = ibis.cases((t.entered.notnull() & ~is_number, _qualitative(t.entered)), else_=ibis.null("string"))
    number = ibis.cases((t.entered.notnull(), parsed), else_=t.number)
    converted = number * t.scale + t.offset
    canonical = ibis.cases(((t.scale == 1) & (t.offset == 0), converted), else_=tidy(converted))
    ref_low = ibis.cases((t.ranges_canonical, t.range_low), else_=tidy(t.range_low * t.scale + t.offset))
    ref_high = ibis.cases((t.ranges_canonical, t.range_high), else_=tidy(t.range_high * t.scale + t.offset))
    t = t.mutate(_cmp=comparator, _word=word, _c=canonical, ref_low=ref_low, ref_high=ref_high)
    numeric_word = ~t.is_qualitative & t._word.isin([Qualitative.POSITIVE.value, Qualitative.NEGATIVE.value])
    problem = ibis.cases(
        (t.analyte.isnull(), ibis.literal("unknown concept: no remit analyte for the source value or concept id")),
        (t.entered.notnull() & ~is_number & t._word.isnull(), ibis.literal("value is neither a number nor a word")),
        (ambiguous, ibis.literal("ambiguous decimal comma or thousands separator")),
        (numeric_word, ibis.literal("a numeric analyte with a positive/negative result")),
        (t.is_qualitative & t._word.isnull(), ibis.literal("a qualitative analyte with a number")),
        (t._word.isnull() & number.isnull(), ibis.literal("no value")),
        (t._word.isnull() & t.unit_problem.notnull(), t.unit_problem),
        (
            t._word.isnull() & ((t._c < t.plausible_low) | (t._c > t.plausible_high)).fill_null(False),
            ibis.literal("implausible value for the analyte (outside its plausible range)"),
        ),
        else_=ibis.null("string"),
    )
    rl, rh = t.ref_low, t.ref_high
    q = t._word
    low = ibis.cases(
        (
            q.notnull(),
            ibis.cases(
                ((q == "high") & rh.notnull(), rh), ((q == "normal") & rl.notnull() & rh.notnull(), rl), else_=-INF
            ),
        ),
        (t._cmp.isin(["<", "<="]), -INF),
        else_=t._c,
    )
    high = ibis.cases(
        (
            q.notnull(),
            ibis.cases(
                ((q == "low") & rl.notnull(), rl), ((q == "normal") & rl.notnull() & rh.notnull(), rh), else_=INF
            ),
        ),
        (t._cmp.isin([">", ">="]), INF),
        else_=t._c,
    )
    normal = (q == "normal") & rl.notnull() & rh.notnull()
    low_closed = ibis.cases((q.notnull(), normal), (t._cmp.isnull() | (t._cmp == "="), True), else_=t._cmp == ">=")
    high_closed = ibis.cases((q.notnull(), normal), (t._cmp.isnull() | (t._cmp == "="), True), else_=t._cmp == "<=")
    return t.mutate(
        low=low.cast(_F),
        high=high.cast(_F),
        low_closed=low_closed,
        high_closed=high_closed,
        qualitative=q,
        problem=problem,
    )
