"""The fact tables the screening compiler reads, and how records become them.

The compiler works on one narrow, typed schema (below). Sources are mapped
into it: registry records (:func:`facts_from_records`, used by the agreement
tests and for screening the registry itself) and OMOP CDM extracts
(:mod:`remit.screening.omop`). Values are already in the analyte's canonical
unit, as intervals, exactly as the per-patient interpreter sees them.

Column types are always given explicitly (DuckDB's type sniffing has been seen
to truncate 12.5 to 12).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pyarrow as pa

from remit.core.record import PatientRecord

SCHEMAS: dict[str, pa.Schema] = {
    "person": pa.schema(
        [
            ("person_id", pa.string()),
            ("sex", pa.string()),
            ("birth_low", pa.date32()),
            ("birth_high", pa.date32()),
        ]
    ),
    "coverage": pa.schema([("person_id", pa.string()), ("start", pa.date32()), ("end", pa.date32())]),
    "measurement": pa.schema(
        [
            ("person_id", pa.string()),
            ("date", pa.date32()),
            ("seq", pa.int64()),
            ("analyte", pa.string()),
            ("low", pa.float64()),
            ("high", pa.float64()),
            ("low_closed", pa.bool_()),
            ("high_closed", pa.bool_()),
            ("qualitative", pa.string()),
            ("ref_low", pa.float64()),
            ("ref_high", pa.float64()),
        ]
    ),
    "finding": pa.schema(
        [
            ("finding_id", pa.string()),
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("start", pa.date32()),
            ("end", pa.date32()),
            ("present", pa.bool_()),
            ("seq", pa.int64()),
        ]
    ),
    "finding_attribute": pa.schema(
        [
            ("finding_id", pa.string()),
            ("name", pa.string()),
            ("text", pa.string()),
            ("num", pa.float64()),
        ]
    ),
    "condition": pa.schema(
        [
            ("person_id", pa.string()),
            ("condition", pa.string()),
            ("onset", pa.date32()),
            ("status", pa.string()),
        ]
    ),
    "drug": pa.schema(
        [("person_id", pa.string()), ("drug", pa.string()), ("start", pa.date32()), ("stop", pa.date32())]
    ),
    "episode": pa.schema(
        [
            ("episode_id", pa.string()),
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("start", pa.date32()),
            ("end", pa.date32()),
            ("duration_hours", pa.float64()),
        ]
    ),
    "episode_feature": pa.schema([("episode_id", pa.string()), ("feature", pa.string())]),
    "episode_attribute": pa.schema(
        [
            ("episode_id", pa.string()),
            ("name", pa.string()),
            ("text", pa.string()),
            ("num", pa.float64()),
        ]
    ),
    "genotype": pa.schema([("person_id", pa.string()), ("gene", pa.string()), ("classification", pa.string())]),
    "diary_day": pa.schema([("person_id", pa.string()), ("date", pa.date32())]),
    "diary_answer": pa.schema(
        [
            ("person_id", pa.string()),
            ("date", pa.date32()),
            ("item", pa.string()),
            ("answer", pa.bool_()),
        ]
    ),
    "encounter": pa.schema([("person_id", pa.string()), ("date", pa.date32())]),
}


def _attribute_row(owner: str, name: str, value: Any) -> dict[str, Any]:
    """Attributes are stored as text plus, for real numbers, a number - the
    interpreter compares text case-insensitively and numbers numerically."""
    number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return {
        "finding_id" if owner.startswith("f:") else "episode_id": owner[2:],
        "name": name,
        "text": str(value),
        "num": number,
    }


def facts_from_records(records: Iterable[PatientRecord]) -> dict[str, pa.Table]:
    """Arrow fact tables (the schemas above) holding exactly what the records hold."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for record in records:
        pid = record.patient.id
        birth = record.patient.birth
        rows["person"].append(
            {
                "person_id": pid,
                "sex": record.patient.sex.value,
                "birth_low": birth.earliest() if birth else None,
                "birth_high": birth.latest() if birth else None,
            }
        )
        coverage = record.coverage()
        if coverage is not None:
            rows["coverage"].append({"person_id": pid, "start": coverage[0], "end": coverage[1]})
        seq = 0
        for analyte in sorted(record._by_analyte):
            for obs in record.values(analyte):
                m = obs.measurement
                ref = m.reference
                rows["measurement"].append(
                    {
                        "person_id": pid,
                        "date": obs.date,
                        "seq": seq,
                        "analyte": analyte,
                        "low": m.interval.low,
                        "high": m.interval.high,
                        "low_closed": m.interval.low_closed,
                        "high_closed": m.interval.high_closed,
                        "qualitative": m.qualitative.value if m.qualitative else None,
                        "ref_low": ref.low if ref else None,
                        "ref_high": ref.high if ref else None,
                    }
                )
                seq += 1
        for order, f in enumerate(record.findings):
            fid = f"{pid}/{f.id}"
            rows["finding"].append(
                {
                    "finding_id": fid,
                    "person_id": pid,
                    "kind": f.kind,
                    "start": f.start,
                    "end": f.end,
                    "present": f.present,
                    "seq": order,
                }
            )
            rows["finding_attribute"].extend(_attribute_row(f"f:{fid}", k, v) for k, v in f.attributes)
        for d in record.diagnoses:
            rows["condition"].append(
                {"person_id": pid, "condition": d.condition, "onset": d.onset, "status": d.status.value}
            )
        for course in record.medications:
            rows["drug"].append({"person_id": pid, "drug": course.drug, "start": course.start, "stop": course.stop})
        for e in record.episodes:
            eid = f"{pid}/{e.id}"
            rows["episode"].append(
                {
                    "episode_id": eid,
                    "person_id": pid,
                    "kind": e.kind.value,
                    "start": e.start,
                    "end": e.end,
                    "duration_hours": e.duration_hours,
                }
            )
            rows["episode_feature"].extend({"episode_id": eid, "feature": feat} for feat in e.features)
            rows["episode_attribute"].extend(_attribute_row(f"e:{eid}", k, v) for k, v in e.attributes)
        for g in record.patient.genotypes:
            rows["genotype"].append({"person_id": pid, "gene": g.gene, "classification": g.classification.value})
        for day in record.diary:
            rows["diary_day"].append({"person_id": pid, "date": day.date})
            rows["diary_answer"].extend(
                {"person_id": pid, "date": day.date, "item": item, "answer": answer} for item, answer in day.items
            )
        for encounter in record.encounters:
            rows["encounter"].append({"person_id": pid, "date": encounter.date})
    return {name: pa.Table.from_pylist(data, schema=SCHEMAS[name]) for name, data in rows.items()}


def spine_table(pairs: Iterable[tuple[str, date, date | None]]) -> pa.Table:
    """The (person, index date, baseline date) rows to evaluate."""
    data = [{"person_id": p, "index_date": i, "baseline_date": b} for p, i, b in pairs]
    schema = pa.schema([("person_id", pa.string()), ("index_date", pa.date32()), ("baseline_date", pa.date32())])
    return pa.Table.from_pylist(data, schema=schema)
