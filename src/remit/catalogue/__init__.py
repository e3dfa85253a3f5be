"""The published instruments, one module each, as data.

Every module defines ``CRITERION``, an immutable :class:`remit.rules.ast.Criterion`.
:data:`INSTRUMENTS` lists them in a stable order; the ids are fixed because
reports, exports and the API refer to them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from remit.core.record import PatientRecord
from remit.errors import UnknownCodeError
from remit.rules.ast import Criterion
from remit.rules.interpret import Memo, Result, evaluate

INSTRUMENT_IDS: tuple[str, ...] = (
    "mas_2016",
    "ilar_sjia_2001",
    "printo_sjia_2019",
    "mas_ravelli_2005",
    "hlh_2004",
    "hscore",
    "ms_score_2019",
    "mh_score_2017",
    "fmf_livneh_1997",
    "fmf_yalcinkaya_2009",
    "eurofever_fmf_2019",
    "eurofever_caps_2019",
    "eurofever_traps_2019",
    "eurofever_mkd_2019",
    "aidai",
    "esc_2015_pericarditis",
    "wallace_cid_2004",
    "acr_cid_2011",
    "remission_on_medication",
    "remission_off_medication",
    "jadas10",
    "jadas27",
    "jadas71",
    "cjadas10",
    "sjadas",
    "acr_pedi",
    "acr_pedi_sjia_adapted",
)


def _load() -> Mapping[str, Criterion]:
    found: dict[str, Criterion] = {}
    for instrument_id in INSTRUMENT_IDS:
        module = importlib.import_module(f"remit.catalogue.{instrument_id}")
        criterion: Criterion = module.CRITERION
        if criterion.id != instrument_id:
            raise AssertionError(f"module {instrument_id} defines {criterion.id}")
        found[instrument_id] = criterion
    return MappingProxyType(found)


INSTRUMENTS: Mapping[str, Criterion] = _load()


def get(instrument_id: str) -> Criterion:
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise UnknownCodeError(
            f"unknown instrument {instrument_id!r}; see `remit criteria list`", field="instrument"
        ) from None


def applicable(record: PatientRecord) -> tuple[Criterion, ...]:
    """Instruments that apply to the patient's recorded conditions."""
    conditions = {d.condition for d in record.diagnoses}
    return tuple(c for c in INSTRUMENTS.values() if not c.applies_to or conditions & set(c.applies_to))


def evaluate_all(record: PatientRecord, index_date: date, *, baseline_date: date | None = None) -> tuple[Result, ...]:
    """Every applicable instrument as of ``index_date``. Response definitions
    that need a baseline are included only when ``baseline_date`` is given."""
    memo = Memo(record, baseline_date)
    return tuple(
        evaluate(c, record, index_date, baseline_date=baseline_date, memo=memo)
        for c in applicable(record)
        if baseline_date is not None or not c.needs_baseline
    )
